"""Incremental sync on the API's main lists (issue 20, item 11): `?updated_since=` and `?ordering=updated_at`,
over cursor pages, in a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import ComplaintCase
from complaints.services import case_open
from core.roles import Role
from dispatch.models import Appointment, EngineerProfile
from followups.models import Callback
from followups.services import callback_sweep
from tests.dispatch.factories import booked, onsite_order
from tests.workorders.factories import walk_in_order
from workorders.models import Product

pytestmark = pytest.mark.django_db


def _appointments(network):
    EngineerProfile.objects.get_or_create(user=network.staff[Role.ENGINEER])
    return [
        booked(
            onsite_order(network.staff[Role.HOTLINE], network.a1),
            network.staff[Role.ENGINEER],
            network.staff[Role.DISPATCHER],
            hour=h,
        )
        for h in (9, 12, 15)
    ]


def _callbacks(network):
    for _ in range(3):  # each product's purchase callbacks still ahead
        walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    return [Callback.objects.filter(product=p).order_by("pk").first() for p in Product.objects.order_by("pk")]


def _cases(network):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    return [
        case_open(
            outlet=network.a1,
            customer=order.customer,
            category="attitude",
            severity="low",
            description=f"第{n}次",
            work_order=order,
            actor=network.staff[Role.HOTLINE],
        )
        for n in range(3)
    ]


@pytest.mark.parametrize(
    ("url_name", "model", "make", "role"),
    [
        ("api-appointment-list", Appointment, _appointments, Role.DISPATCHER),
        ("api-callback-list", Callback, _callbacks, Role.HOTLINE),
        ("api-complaint-list", ComplaintCase, _cases, Role.SUPERVISOR),
    ],
    ids=["appointments", "callbacks", "complaints"],
)
def test_updated_since_and_ordering_by_last_change(network, url_name, model, make, role, django_assert_max_num_queries):
    first, second, third = make(network)
    model.objects.filter(pk=first.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    model.objects.filter(pk=third.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    client = APIClient()
    client.force_authenticate(network.staff[role])
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()

    client.get(reverse(url_name), {"updated_since": since, "ordering": "updated_at"})  # warm the caches
    with django_assert_max_num_queries(6):
        answer = client.get(reverse(url_name), {"updated_since": since, "ordering": "updated_at", "page_size": 1})
    ids, page = [], answer.json()
    ids.append(page["results"][0]["id"])
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [row["id"] for row in page["results"]]

    assert ids == [third.pk, second.pk]
    assert client.get(reverse(url_name), {"ordering": "secret_field"}).status_code == 200  # unknown: ignored


def test_the_sweep_and_a_claim_count_as_changes_of_a_callback(network):
    walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    callback = Callback.objects.order_by("due_at").first()
    Callback.objects.filter(pk=callback.pk).update(updated_at=timezone.now() - dt.timedelta(days=9))
    before = timezone.now()

    callback_sweep(now=callback.due_at + dt.timedelta(minutes=1))

    callback.refresh_from_db()
    assert callback.status == Callback.Status.QUEUED and callback.updated_at >= before
