"""Settlement's lists and endpoints: the number of queries does not grow with the number of rows."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from settlement.models import ReturnTag
from settlement.services import claim_decide, shipment_send, statements_issue
from tests.settlement.factories import published_price_list
from tests.settlement.test_services import _callback, _picked_up
from tests.warranty.factories import published_schedule
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db
SH = timezone.get_default_timezone()

URLS = [
    (Role.ADMIN, "claim-list", {}),
    (Role.ADMIN, "returns", {}),
    (Role.ADMIN, "statement-list", {}),
    (Role.FRONT_DESK, "settlement-price-lists", {}),
    (Role.ADMIN, "api-claim-list", {}),
    (Role.ADMIN, "api-return-tag-list", {}),
    (Role.SUPERVISOR, "api-return-tag-list", {}),  # a centre's: read outlet by outlet
    (Role.ADMIN, "api-shipment-list", {}),
    (Role.ADMIN, "api-statement-list", {}),
    (Role.ADMIN, "api-deduction-list", {}),
]


def _add_rows(network, n: int, start: int) -> None:
    """`n` closed in-warranty repairs with a part: claims approved in October, their old parts shipped, and
    October's statement issued."""
    clerk, hq = network.staff[Role.FRONT_DESK], network.staff[Role.ADMIN]
    for i in range(start, start + n):
        with time_machine.travel(dt.datetime(2026, 10, 1 + i, 10, tzinfo=SH), tick=False):
            order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
            claim_decide(claim=order.claim, decision="approve", actor=hq)
            tags = list(ReturnTag.objects.filter(work_order=order))
            shipment_send(outlet=network.a1, tags=tags, carrier="顺丰", tracking_number=f"SF{i}", actor=clerk)
    with time_machine.travel(dt.datetime(2026, 11, 2 + start, 9, tzinfo=SH), tick=False):
        statements_issue(month=dt.date(2026, 10, 1), actor=hq)


def _count(client, url, params) -> int:
    client.get(url, params)  # the user's access read into the cache first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("role", "url_name", "params"), URLS)
def test_queries_do_not_grow_with_rows(role, url_name, params, network, client_for):
    published_schedule()
    published_price_list()
    client = client_for(network.staff[role])
    url = reverse(url_name)
    _add_rows(network, 1, 0)
    few = _count(client, url, params)
    _add_rows(network, 3, 1)
    assert _count(client, url, params) == few
