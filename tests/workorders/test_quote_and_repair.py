"""Out of warranty: quote from the fee schedule, approval before the repair, the repair record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import Role
from tests.warranty.factories import published_schedule
from tests.workorders.factories import customer_with_product
from workorders.lifecycle import Status
from workorders.services import (
    work_order_quote,
    work_order_receive,
    work_order_record_repair,
    work_order_transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_phone_order(network):
    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(clerk, network.a1, purchase_date=dt.date(2020, 1, 1))
    return work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="walk_in",
        service_type="repair",
        fault_description="屏幕碎裂",
        data_loss_acknowledged=True,
        actor=clerk,
    )


def test_out_of_warranty_repair_waits_for_an_approved_quote(network, old_phone_order):
    clerk = network.staff[Role.FRONT_DESK]
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=old_phone_order, transition="start_service", actor=clerk)
    assert "quote" in exc.value.message_dict
    quoted = work_order_quote(work_order=old_phone_order, parts=[("screen", 1)], actor=clerk)
    assert quoted.status == Status.AWAITING_APPROVAL
    assert quoted.quote_total == Decimal("579.00")
    assert [line["kind"] for line in quoted.quote_lines] == ["labour", "part"]
    assert quoted.fee_schedule.in_use  # the schedule version is now locked
    approved = work_order_transition(work_order=quoted, transition="approve_quote", actor=clerk)
    assert approved.quote_approved_by == clerk and approved.quote_approved_at is not None
    started = work_order_transition(work_order=approved, transition="start_service", actor=clerk)
    assert started.status == Status.IN_SERVICE


def test_a_declined_quote_closes_the_order_with_the_reason(network, old_phone_order):
    clerk = network.staff[Role.FRONT_DESK]
    quoted = work_order_quote(work_order=old_phone_order, actor=clerk)
    closed = work_order_transition(work_order=quoted, transition="decline_quote", actor=clerk, reason="太贵，不修了")
    assert closed.status == Status.CLOSED
    assert closed.events.last().text == "太贵，不修了"


def test_quote_with_an_unknown_part_is_refused_and_nothing_changes(network, old_phone_order):
    with pytest.raises(ValidationError) as exc:
        work_order_quote(work_order=old_phone_order, parts=[("warp-drive", 1)], actor=network.staff[Role.FRONT_DESK])
    assert "parts" in exc.value.message_dict
    old_phone_order.refresh_from_db()
    assert old_phone_order.status == Status.RECEIVED and old_phone_order.quote_total is None


def test_quote_and_repair_record_from_the_page(network, old_phone_order, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    page = client.get(reverse("work-order-detail", args=[old_phone_order.pk]))
    assert 'data-testid="quote-form"' in page.text
    client.post(reverse("work-order-quote", args=[old_phone_order.pk]), {"parts-item": "screen", "parts-amount": ""})
    old_phone_order.refresh_from_db()
    assert old_phone_order.status == Status.AWAITING_APPROVAL
    assert "¥579.00" in client.get(reverse("work-order-detail", args=[old_phone_order.pk])).text
    bad = client.post(
        reverse("work-order-quote", args=[old_phone_order.pk]),
        {"parts-item": "a b c", "parts-amount": "1"},
        follow=True,
    )
    assert any(m.level_tag == "error" for m in bad.context["messages"])
    for step in ("approve_quote", "start_service"):
        old_phone_order.refresh_from_db()
        client.post(
            reverse("work-order-act", args=[old_phone_order.pk]),
            {"transition": step, "version": old_phone_order.version},
        )
    client.post(
        reverse("work-order-repair-record", args=[old_phone_order.pk]),
        {
            "fault_confirmed": "外屏碎裂",
            "cause": "跌落",
            "actions_taken": "更换屏幕总成",
            "parts_replaced": "screen x1",
        },
    )
    old_phone_order.refresh_from_db()
    assert old_phone_order.status == Status.IN_SERVICE and old_phone_order.cause == "跌落"


def test_repair_record_is_kept_and_noted(network, old_phone_order):
    order = work_order_record_repair(
        work_order=old_phone_order,
        fault_confirmed="主板短路",
        cause="进水",
        actions_taken="更换主板",
        parts_replaced="mainboard",
        actor=network.staff[Role.ENGINEER],
    )
    assert order.actions_taken == "更换主板"
    assert order.events.last().kind == "note"


def test_quote_lines_read_in_the_readers_language(network, old_phone_order, client_for):
    """Priced by a Chinese clerk, read by an English one: labour, the visit fee and the part by its English
    name, and why the card's price applies; the Chinese reader sees the Chinese names."""
    from core.models import User
    from warranty.models import PartPrice

    PartPrice.objects.filter(code="screen").update(name_en="Screen assembly")
    clerk = network.staff[Role.FRONT_DESK]
    client_for(clerk).post(
        reverse("work-order-quote", args=[old_phone_order.pk]),
        {"parts-item": "screen", "parts-amount": "", "card_prices-item": "屏幕总成", "card_prices-amount": "450"},
    )
    old_phone_order.refresh_from_db()
    assert old_phone_order.quote_lines[-1]["description_en"] == "Screen assembly"
    assert old_phone_order.quote_lines[-1]["amount"] == "450.00"
    chinese = client_for(clerk).get(reverse("work-order-detail", args=[old_phone_order.pk])).text
    assert "屏幕总成" in chinese and "工时费" in chinese and "按保修卡价格" in chinese
    reader = network.staff[Role.SUPERVISOR]
    User.objects.filter(pk=reader.pk).update(language="en")
    english = client_for(reader).get(reverse("work-order-detail", args=[old_phone_order.pk])).text
    assert "Screen assembly" in english and "Labour" in english and "屏幕总成" not in english
    assert "Warranty-card price, lower than the schedule&#x27;s 499.00." in english and "按保修卡价格" not in english
