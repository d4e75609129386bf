"""Complaint, feedback and waiver lists: the number of queries does not grow with the number of rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.services import case_open, case_step_record, feedback_record, remedy_propose
from core.roles import Role
from tests.warranty.factories import published_schedule
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.services import charge_waiver_request, work_order_quote

pytestmark = pytest.mark.django_db


def _add_rows(network, n: int) -> None:
    hl, fd = network.staff[Role.HOTLINE], network.staff[Role.FRONT_DESK]
    for i in range(n):
        order = walk_in_order(fd, network.a1)
        case = case_open(
            outlet=network.a1,
            customer=order.customer,
            work_order=order,
            category="delay",
            severity="high" if i % 2 else "low",
            description="等太久",
            actor=hl,
        )
        case_step_record(case=case, step="apology", notes="道歉", actor=hl)
        remedy_propose(case=case, kind="gift", amount=Decimal("500"), actor=hl)
        feedback_record(outlet=network.a1, type="suggestion", channel="hotline", text="建议", department="rd", actor=hl)
        feedback_record(
            outlet=network.a1,
            type="praise",
            channel="callback",
            text="好",
            praised_staff=network.staff[Role.ENGINEER],
            actor=hl,
        )
        customer, product = customer_with_product(
            fd, network.a1, purchase_date=None, proof="none", phones=(f"1391111{i:04d}",)
        )
        quoted = work_order_quote(
            work_order=walk_in_order(fd, network.a1, customer=customer, product=product),
            parts=[("screen", 1)],
            actor=fd,
        )
        charge_waiver_request(work_order=quoted, new_total=Decimal("100"), reason="老客户", actor=fd)


URLS = [
    (Role.SUPERVISOR, "complaint-list"),
    (Role.SUPERVISOR, "feedback-list"),
    (Role.HOTLINE, "api-complaint-list"),
    (Role.HOTLINE, "api-feedback-list"),
    (Role.SUPERVISOR, "api-complaint-list"),  # a centre's: read outlet by outlet
    (Role.SUPERVISOR, "api-feedback-list"),
    (Role.SUPERVISOR, "api-waiver-list"),
    (Role.ADMIN, "callback-plans"),
    (Role.SUPERVISOR, "callback-measures"),
    (Role.HOTLINE, "api-part-list"),
    (Role.SUPERVISOR, "home-supervisor"),  # escalated cases, approvals, praise per staff member
    (Role.ENGINEER, "home-engineer"),  # their own praise
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("role", "url_name"), URLS)
def test_queries_do_not_grow_with_rows(role, url_name, network, client_for):
    published_schedule()
    _add_rows(network, 2)
    client = client_for(network.staff[role])
    url = reverse(url_name)
    client.get(url)  # warm the session and permission caches
    few = _count(client, url)
    _add_rows(network, 5)
    assert _count(client, url) == few
