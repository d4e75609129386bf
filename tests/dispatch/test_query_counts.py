"""Dispatch lists and pages: the number of queries does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from dispatch.models import EngineerProfile, LoanerUnit, Part
from dispatch.services import (
    appointment_reschedule,
    loaner_lend,
    loaner_register,
    part_requisition_request,
    place_of_centre,
    place_of_outlet,
    place_of_van,
    reorder_point_set,
    stock_receive,
    transfer_request,
)
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order

pytestmark = pytest.mark.django_db


def _add_rows(network, n: int, start: int) -> None:
    hl, dp, en = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER], network.staff[Role.ENGINEER]
    EngineerProfile.objects.get_or_create(user=en, defaults={"daily_capacity": 40})
    for i in range(start, start + n):
        van = place_of_van(engineer(network.a1))
        order = onsite_order(hl, network.a1)
        appointment = booked(order, en, dp, hour=9 + i, hours=1)
        appointment_reschedule(
            appointment=appointment,
            starts_at=appointment.starts_at,
            ends_at=at(next_workday(), 9 + i, 30),
            reason="缩短",
            customer_agreed=True,
            actor=dp,
        )
        part = Part.objects.create(code=f"part-{i}", name=f"备件{i}")
        outlet = place_of_outlet(network.a1)
        stock_receive(place=outlet, part=part, quantity=3, actor=dp)
        reorder_point_set(outlet=network.a1, part=part, reorder_point=5, actor=dp)  # on the list to reorder
        transfer_request(source=outlet, destination=van, part=part, quantity=1, actor=dp)
        transfer_request(source=place_of_centre(network.a1.centre), destination=outlet, part=part, quantity=1, actor=dp)
        part_requisition_request(work_order=order, part=part, quantity=1, actor=en)
        loaner = loaner_register(outlet=network.a1, serial=f"LN-{i}", description="周转机", actor=dp)
        if i % 2:
            loaner_lend(loaner=loaner, work_order=order, due_back=next_workday(2), actor=dp)


DAY = {"day": next_workday().isoformat()}
URLS = [
    (Role.ENGINEER, "my-jobs", DAY),
    (Role.DISPATCHER, "dispatch-week", DAY),
    (Role.DISPATCHER, "reconciliation", DAY),
    (Role.DISPATCHER, "parts", {}),
    (Role.DISPATCHER, "stock", {}),
    (Role.DISPATCHER, "stock", {"reorder": "1"}),
    (Role.DISPATCHER, "stock-transfers", {}),
    (Role.SUPERVISOR, "stock-transfers", {}),
    (Role.ENGINEER, "stock", {"level": "van"}),
    (Role.DISPATCHER, "loaners", {}),
    (Role.DISPATCHER, "engineer-list", {}),
    (Role.DISPATCHER, "api-appointment-list", {}),
    (Role.SUPERVISOR, "api-appointment-list", {}),  # a centre's: read outlet by outlet
    (Role.DISPATCHER, "api-dispatch-queue", {}),
    (Role.DISPATCHER, "api-requisition-list", {}),
    (Role.DISPATCHER, "api-loaner-list", {}),
    (Role.DISPATCHER, "api-part-stock", {}),
    (Role.DISPATCHER, "api-part-stock", {"reorder": "1"}),
    (Role.DISPATCHER, "api-transfer-list", {}),
    (Role.DISPATCHER, "api-engineer-list", {}),
    (Role.DISPATCHER, "api-reconciliation", DAY),
]


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("role", "url_name", "params"), URLS)
def test_queries_do_not_grow_with_rows(role, url_name, params, network, client_for):
    _add_rows(network, 2, 0)
    client = client_for(network.staff[role])
    url = reverse(url_name)
    client.get(url, params)  # warm the session and permission caches
    few = _count(client, url, params)
    _add_rows(network, 6, 2)  # new staff's roles make the cached permissions stale
    assert LoanerUnit.objects.count() == 8
    client.get(url, params)
    assert _count(client, url, params) == few
