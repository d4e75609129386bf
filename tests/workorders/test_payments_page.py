"""The payments page: the day's cash count per payment method at the user's outlets, and its export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import walk_in_order
from workorders.models import Payment
from workorders.services import payment_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def takings(network):
    clerk = network.staff[Role.FRONT_DESK]
    cash = payment_take(
        work_order=walk_in_order(clerk, network.a1), amount=Decimal("120.00"), method="cash", actor=clerk
    )
    wechat = payment_take(
        work_order=walk_in_order(clerk, network.a1), amount=Decimal("1579.50"), method="wechat", actor=clerk
    )
    yesterday = payment_take(
        work_order=walk_in_order(clerk, network.a1), amount=Decimal("80"), method="cash", actor=clerk
    )
    Payment.objects.filter(pk=yesterday.pk).update(received_at=timezone.now() - dt.timedelta(days=1))
    other_clerk = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    payment_take(
        work_order=walk_in_order(other_clerk, network.b1), amount=Decimal("999"), method="cash", actor=other_clerk
    )
    return cash, wechat, yesterday


def test_the_days_takings_per_method_at_ones_own_outlets(network, takings, client_for, django_assert_num_queries):
    cash, wechat, yesterday = takings
    client = client_for(network.staff[Role.FRONT_DESK])
    client.get(reverse("payment-list"))
    # user, outlets to filter by, totals, the page (session and role: from the cache)
    with django_assert_num_queries(4):
        page = client.get(reverse("payment-list"))
    totals = page.context["totals"]
    assert totals["count"] == 2 and totals["total"] == Decimal("1699.50")  # today only, own outlet only
    assert {row["method"]: row["total"] for row in totals["by_method"]} == {"cash": 120, "wechat": Decimal("1579.50")}
    assert "¥1,699.50" in page.text and cash.receipt_number in page.text and yesterday.receipt_number not in page.text
    day = timezone.localdate() - dt.timedelta(days=1)
    earlier = client.get(reverse("payment-list"), {"received_from": day, "received_to": day, "method": "cash"})
    assert [p.pk for p in earlier.context["page"].items] == [yesterday.pk]


def test_the_payments_export_is_the_pages_rows_with_money_as_numbers(network, takings, client_for):
    cash, wechat, _yesterday = takings
    client = client_for(network.staff[Role.SUPERVISOR])
    body = b"".join(client.get(reverse("export", args=["payments", "csv"])).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "收据号" and {row[0] for row in rows[1:]} == {cash.receipt_number, wechat.receipt_number}
    response = client.get(reverse("export", args=["payments", "xlsx"]), {"method": "wechat"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "收款记录" and "付款方式: 微信支付" in sheet["A1"].value and "收款日期自" in sheet["A1"].value
    assert sheet["E3"].value == 1579.5 and sheet["E3"].number_format == "#,##0.00" and sheet["A4"].value is None
