"""Lists not pinned elsewhere: the number of queries does not grow with the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from tests.factories import CentreFactory
from tests.warranty.factories import published_schedule
from tests.workorders.factories import customer_with_product
from warranty.models import PublicHoliday
from workorders.services import call_log, message_slip_take

pytestmark = pytest.mark.django_db


def _add_rows(network, n: int, start: int) -> None:
    hotline = network.staff[Role.HOTLINE]
    for i in range(start, start + n):
        CentreFactory()
        PublicHoliday.objects.create(date=dt.date(2026, 1, 1) + dt.timedelta(days=i), name=f"假日{i}")
        published_schedule(effective_from=dt.date(2000, 1, 1) + dt.timedelta(days=i))
        customer_with_product(hotline, network.a1, phones=[f"1390000{i:04d}"])
        call_log(outlet=network.a1, caller_phone="13812345678", call_type="consultation", summary="问", actor=hotline)
        message_slip_take(
            outlet=network.a1,
            caller_name="x",
            caller_phone="13900001111",
            message="m",
            recipient_role="hotline",
            actor=hotline,
        )


URLS = [
    (Role.ADMIN, "centre-list", {}),
    (Role.HOTLINE, "warranty-policies", {}),
    (Role.HOTLINE, "holiday-list", {}),
    (Role.ADMIN, "api-centre-list", {}),
    (Role.HOTLINE, "api-product-categories", {}),
    (Role.HOTLINE, "api-customer-lookup", {"q": "张"}),
    (Role.HOTLINE, "api-call-list", {}),
    (Role.HOTLINE, "api-message-slip-list", {}),
    (Role.HOTLINE, "api-fee-schedule-list", {}),
]


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("role", "url_name", "params"), URLS)
def test_queries_do_not_grow_with_rows(role, url_name, params, network, client_for):
    client = client_for(network.staff[role])
    url = reverse(url_name)
    _add_rows(network, 2, 0)
    client.get(url, params)  # warm the session and permission caches
    few = _count(client, url, params)
    _add_rows(network, 6, 2)
    assert _count(client, url, params) == few
