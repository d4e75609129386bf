"""三包 in the flow of an order: the unit's earlier repairs, the 30-day repair guarantee, the legal clocks,
the production date without proof, and each re-decision on the timeline."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.roles import Role
from tests.factories import UserFactory
from workorders.models import Product, ProductCategory, WorkOrder, WorkOrderEvent
from workorders.services import (
    clocks_sweep,
    customer_register,
    intake_submit,
    product_register,
    work_order_record_repair,
    work_order_transition,
)
from workorders.services.entitlement import facts_of

from .factories import customer_with_product, receive_walk_in

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


_receive = receive_walk_in


def _repair(order, clerk) -> WorkOrder:
    for step in ("start_service", "finish_repair", "hand_back"):
        order = work_order_transition(work_order=order, transition=step, actor=clerk)
    return order


pytestmark = pytest.mark.usefixtures("english")


def test_a_third_order_for_the_same_fault_offers_exchange_and_shows_the_orders_it_counted(network, clerk):
    customer, product = customer_with_product(clerk, network.a1)
    first = _repair(_receive(clerk, network.a1, customer, product, fault_component="display"), clerk)
    second = _repair(_receive(clerk, network.a1, customer, product, fault_component="display"), clerk)
    assert "exchange" not in second.warranty_options  # one earlier repair is not two

    third = _receive(clerk, network.a1, customer, product, fault_component="display")

    assert third.warranty_options == ["return", "exchange", "free_repair"]
    assert "repaired_twice" in [r["code"] for r in third.warranty_reasons]
    assert [o["number"] for o in third.warranty_counted] == [second.number, first.number]


def test_repairs_of_another_part_do_not_count(network, clerk):
    customer, product = customer_with_product(clerk, network.a1)
    for _ in range(2):
        _repair(_receive(clerk, network.a1, customer, product, fault_component="battery"), clerk)
    order = _receive(clerk, network.a1, customer, product, fault_component="display")
    assert "exchange" not in order.warranty_options and order.warranty_counted == []


def test_the_same_unit_registered_again_at_another_outlet_brings_its_history(network, clerk):
    """全国联保: the serial/IMEI is the unit, whichever customer record or outlet logged it."""
    customer, product = customer_with_product(clerk, network.a1)
    for _ in range(2):
        _repair(_receive(clerk, network.a1, customer, product), clerk)
    other_clerk = network.staff[Role.ADMIN]
    again = customer_register(name="张三", phones=["13900000000"], outlet=network.b1, actor=other_clerk)
    same_unit = product_register(
        customer=again,
        category=product.category,
        brand="华为",
        serial=product.serial,
        purchase_date=product.purchase_date,
        proof="invoice",
        actor=other_clerk,
    )
    order = _receive(other_clerk, network.b1, again, same_unit)
    assert "exchange" in order.warranty_options and len(order.warranty_counted) == 2


def test_a_new_record_at_intake_with_the_units_serial_brings_its_history(network, clerk):
    """Intake skips the history read only for a new product without a serial: with one, the serial may name
    a unit that an earlier record has repaired twice."""
    customer, product = customer_with_product(clerk, network.a1)
    for _ in range(2):
        _repair(_receive(clerk, network.a1, customer, product), clerk)
    fields = {"category": product.category, "brand": "华为", "purchase_date": product.purchase_date, "proof": "invoice"}

    def new_record(phone, **product_fields):
        return intake_submit(
            outlet=network.a2,
            phone=phone,
            customer=None,
            customer_name="张三",
            address="",
            product=None,
            product_fields={**fields, **product_fields},
            order_fields={"channel": "walk_in", "service_type": "repair", "fault_description": "屏幕不亮"},
            idempotency_key=None,
            actor=network.staff[Role.ADMIN],
        )

    again = new_record("13900000000", serial=product.serial)
    assert "exchange" in again.warranty_options and len(again.warranty_counted) == 2
    unknown = new_record("13900000001")
    assert "exchange" not in unknown.warranty_options and unknown.warranty_counted == []
    assert unknown.same_fault_orders == 0 and again.same_fault_orders == 2


def test_the_same_fault_back_within_30_days_of_a_paid_repair_is_free(network, clerk):
    old = timezone.localdate() - dt.timedelta(days=800)  # long out of warranty
    customer, product = customer_with_product(clerk, network.a1, purchase_date=old)
    with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
        paid = _receive(clerk, network.a1, customer, product)
        assert not paid.in_warranty
        work_order_transition(work_order=paid, transition="quote", actor=clerk)
        work_order_transition(work_order=paid, transition="approve_quote", actor=clerk)
        _repair(WorkOrder.objects.get(pk=paid.pk), clerk)

    back = _receive(clerk, network.a1, customer, product)

    assert back.in_warranty and back.warranty_options == ["free_repair"]
    assert [r["code"] for r in back.warranty_reasons][-1] == "repair_guarantee"


def test_waiting_91_days_for_a_part_turns_the_order_to_exchange_by_the_morning_check(network, clerk):
    with time_machine.travel(NOW, tick=False):
        customer, product = customer_with_product(clerk, network.a1, category="refrigerator")
        order = _receive(clerk, network.a1, customer, product)
        order = work_order_transition(work_order=order, transition="start_service", actor=clerk)
        order = work_order_transition(work_order=order, transition="wait_for_parts", actor=clerk, reason="压缩机缺货")
        assert order.warranty_options == ["free_repair"]
        assert order.clock_limit_on == timezone.localdate() + dt.timedelta(days=91)
    with time_machine.travel(NOW + dt.timedelta(days=90), tick=False):
        assert clocks_sweep() == 0  # day 90 is still within the limit
    with time_machine.travel(NOW + dt.timedelta(days=91), tick=False):
        assert clocks_sweep() == 1
    order.refresh_from_db()
    assert "exchange" in order.warranty_options and order.parts_wait_days == 91
    event = order.events.get(kind=WorkOrderEvent.Kind.WARRANTY)
    assert event.actor is None and "91" in event.text


def test_a_phone_may_wait_60_days_only(network, clerk):
    with time_machine.travel(NOW, tick=False):
        customer, product = customer_with_product(clerk, network.a1, category="phone")
        order = _receive(clerk, network.a1, customer, product)
        work_order_transition(work_order=order, transition="start_service", actor=clerk)
        order = work_order_transition(work_order=order, transition="wait_for_parts", actor=clerk, reason="缺屏")
    assert order.clock_limit_on == dt.date(2026, 6, 1) + dt.timedelta(days=61)


def test_thirty_one_days_of_the_repairers_own_delay_owe_an_exchange(network, clerk):
    with time_machine.travel(NOW, tick=False):
        customer, product = customer_with_product(clerk, network.a1, category="washing_machine")
        order = work_order_transition(
            work_order=_receive(clerk, network.a1, customer, product), transition="start_service", actor=clerk
        )
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        clocks_sweep()
        order.refresh_from_db()
        assert "exchange" in order.warranty_options
        assert "repairer_delay_exceeded" in [r["code"] for r in order.warranty_reasons]


def test_a_decision_is_remade_when_the_part_found_at_fault_changes_it(network, clerk):
    customer, product = customer_with_product(clerk, network.a1, category="refrigerator")
    for _ in range(2):
        _repair(_receive(clerk, network.a1, customer, product, fault_component="compressor"), clerk)
    order = _receive(clerk, network.a1, customer, product)  # the desk did not know which part
    assert "exchange" not in order.warranty_options

    order = work_order_record_repair(
        work_order=order,
        fault_confirmed="压缩机不启动",
        cause="压缩机故障",
        actions_taken="",
        parts_replaced="",
        fault_component="compressor",
        actor=clerk,
    )

    assert "exchange" in order.warranty_options
    event = order.events.get(kind=WorkOrderEvent.Kind.WARRANTY)
    assert event.actor == clerk
    # Read in each reader's language, the part, the options and the rules included; kept in Chinese for
    # exports and searches.
    assert event.text.startswith("确认故障部件：压缩机：")
    with translation.override("en"):
        english = event.display_text
    head, rules = english.split("\n")
    assert head.startswith("Faulty part found: compressor: ") and "→" in head and "Exchange" in head
    assert rules and not re.search(r"[\u4e00-\u9fff]", english)
    with translation.override("zh-hans"):
        assert event.display_text == event.text and "换货" in event.text


def test_without_proof_the_production_date_plus_the_grace_gives_the_warranty(network, clerk):
    made = timezone.localdate() - dt.timedelta(days=120)
    order = intake_submit(
        outlet=network.a1,
        phone="13812345678",
        customer=None,
        customer_name="李四",
        address="",
        product=None,
        product_fields={
            "category": ProductCategory.objects.get(code="refrigerator"),
            "brand": "海尔",
            "serial": "BC2026",
            "proof": Product.Proof.NONE,
            "production_date": made,
        },
        order_fields={"channel": "walk_in", "service_type": "repair", "fault_description": "不制冷"},
        idempotency_key=None,
        actor=clerk,
    )
    assert order.in_warranty and order.warranty_options == ["free_repair"]
    assert order.warranty_reasons[0]["code"] == "no_proof_serial_date"


@pytest.mark.parametrize(
    ("production", "purchase", "message"),
    [
        (1, None, "The production date is in the future."),
        (-5, -10, "The production date is after the purchase date."),
    ],
)
def test_an_impossible_production_date_is_refused_and_nothing_saved(network, clerk, production, purchase, message):
    today = timezone.localdate()
    customer = customer_register(name="王五", phones=["13700000000"], outlet=network.a1, actor=clerk)
    with pytest.raises(ValidationError) as refused:
        product_register(
            customer=customer,
            category=ProductCategory.objects.get(code="tv"),
            brand="TCL",
            production_date=today + dt.timedelta(days=production),
            purchase_date=today + dt.timedelta(days=purchase) if purchase else None,
            proof="invoice" if purchase else "none",
            actor=clerk,
        )
    assert refused.value.message_dict == {"production_date": [message]}
    assert not Product.objects.filter(customer=customer).exists()


def test_the_facts_are_read_in_a_fixed_number_of_queries(network, clerk, django_assert_num_queries):
    customer, product = customer_with_product(clerk, network.a1)
    for _ in range(3):
        _repair(_receive(clerk, network.a1, customer, product), clerk)
    order = _receive(clerk, network.a1, customer, product)
    with django_assert_num_queries(2):  # the unit's earlier orders (with their outlets), the order's changes
        facts = facts_of(order, today=timezone.localdate())
    assert facts.prior_repairs == 3


# --- What the people see -------------------------------------------------------------------------


def _parts_waiting_order(network, clerk, days: int) -> WorkOrder:
    with time_machine.travel(timezone.now() - dt.timedelta(days=days), tick=False):
        customer, product = customer_with_product(clerk, network.a1, category="refrigerator")
        order = _receive(clerk, network.a1, customer, product)
        work_order_transition(work_order=order, transition="start_service", actor=clerk)
        return work_order_transition(work_order=order, transition="wait_for_parts", actor=clerk, reason="缺压缩机")


def test_the_order_page_shows_the_clocks_and_the_units_history(network, clerk, client_for):
    order = _parts_waiting_order(network, clerk, days=85)
    page = client_for(clerk).get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert 'data-testid="legal-clocks"' in page
    assert "85 of 90 days" in page
    assert "5 days left before a limit" in page


def test_the_supervisor_sees_orders_near_a_limit_and_lends_a_loaner(network, clerk, client_for):
    from dispatch.models import LoanerUnit

    order = _parts_waiting_order(network, clerk, days=85)
    _parts_waiting_order(network, clerk, days=10)  # far from its limit: not listed
    loaner = LoanerUnit.objects.create(outlet=network.a1, serial="LN-1", description="备用冰箱")
    supervisor = network.staff[Role.SUPERVISOR]
    client = client_for(supervisor)

    home = client.get(reverse("home"), follow=True).content.decode()
    assert home.count('data-testid="clock-order"') == 1 and order.number in home
    assert "5 days left" in home

    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("loaner-lend", args=[order.pk]), {f"o{order.pk}-loaner": loaner.pk, f"o{order.pk}-due_back": due}
    )
    assert response.status_code == 302
    loaner.refresh_from_db()
    assert loaner.work_order_id == order.pk and loaner.status == LoanerUnit.Status.OUT


def test_a_loaner_of_another_outlet_cannot_be_lent(network, clerk, client_for):
    from dispatch.models import LoanerUnit

    order = _parts_waiting_order(network, clerk, days=85)
    elsewhere = LoanerUnit.objects.create(outlet=network.b1, serial="LN-B", description="备用冰箱")
    client = client_for(network.staff[Role.SUPERVISOR])
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    client.post(
        reverse("loaner-lend", args=[order.pk]), {f"o{order.pk}-loaner": elsewhere.pk, f"o{order.pk}-due_back": due}
    )
    elsewhere.refresh_from_db()
    assert elsewhere.status == LoanerUnit.Status.AVAILABLE


def test_the_api_gives_the_entitlement_with_its_clocks_and_the_units_history(network, clerk):
    from rest_framework.test import APIClient

    order = _parts_waiting_order(network, clerk, days=85)
    api = APIClient()
    api.force_authenticate(clerk)
    body = api.get(reverse("api-work-order-detail", args=[order.pk])).json()
    entitlement = body["entitlement"]
    assert entitlement["options"] == ["free_repair"] and entitlement["policy"] == "refrigerator"
    assert entitlement["clocks"]["parts_wait_days"] == 85 and entitlement["clocks"]["days_left"] == 5
    assert entitlement["clocks"]["warning"] is True

    history = api.get(reverse("api-product-history", args=[order.product_id]))
    assert history.status_code == 200 and [o["number"] for o in history.json()] == [order.number]


def test_a_product_you_do_not_serve_has_no_history_for_you(network, clerk):
    from rest_framework.test import APIClient

    other = network.staff[Role.ADMIN]
    customer = customer_register(name="赵六", phones=["13600000000"], outlet=network.b1, actor=other)
    product = product_register(
        customer=customer, category=ProductCategory.objects.get(code="tv"), brand="TCL", actor=other
    )
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.get(reverse("api-product-history", args=[product.pk])).status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, follow=True)  # warm the caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, follow=True).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_with_clocks_run_a_constant_number_of_queries(network, clerk, client_for):
    customer, product = customer_with_product(clerk, network.a1)
    _repair(_receive(clerk, network.a1, customer, product), clerk)
    order = _receive(clerk, network.a1, customer, product)
    client = client_for(clerk)
    detail = reverse("work-order-detail", args=[order.pk])
    few = _queries(client, detail)
    for _ in range(4):
        _repair(_receive(clerk, network.a1, customer, product), clerk)
    assert _queries(client, detail) == few

    from dispatch.models import LoanerUnit

    _parts_waiting_order(network, clerk, days=85)
    LoanerUnit.objects.create(outlet=network.a1, serial="LN-1", description="备用冰箱")  # each row offers it
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    one = _queries(supervisor, reverse("home"))
    for days in (84, 86, 88):
        _parts_waiting_order(network, clerk, days=days)
    assert _queries(supervisor, reverse("home")) == one


def test_intake_previews_the_picked_products_history_before_saving(network, clerk, client_for):
    customer, product = customer_with_product(clerk, network.a1)
    for _ in range(2):
        _repair(_receive(clerk, network.a1, customer, product, fault_component="display"), clerk)
    client = client_for(clerk)
    query = {"product": product.pk, "fault_component": "display", "phone": "13812345678"}
    page = client.get(reverse("warranty-preview"), query).content.decode()
    assert 'data-option="exchange"' in page and 'data-testid="preview-counted"' in page
    other_part = client.get(reverse("warranty-preview"), {**query, "fault_component": "battery"}).content.decode()
    assert 'data-option="exchange"' not in other_part


def test_reasons_decided_in_chinese_read_in_english_for_an_english_reader(network, clerk, client_for):
    from rest_framework.test import APIClient

    with translation.override("zh-hans"):
        customer, product = customer_with_product(clerk, network.a1, category="refrigerator")
        order = _receive(clerk, network.a1, customer, product)
    assert "保修期内" in order.warranty_reasons[-1]["text"]  # as it read when decided
    page = client_for(clerk).get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert "Within the 12-month warranty of the whole unit" in page
    api = APIClient()
    api.force_authenticate(clerk)
    body = api.get(reverse("api-work-order-detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["entitlement"]["reasons"][-1]["text"].startswith("Within the 12-month warranty")


def test_a_unit_back_a_third_time_for_the_same_fault_is_a_complaint_risk_at_intake(network, clerk, client_for):
    """DOMAIN "Complaints": flagged on the order and on the supervisor's home before anyone complains."""
    customer, product = customer_with_product(clerk, network.a1)
    first = _receive(clerk, network.a1, customer, product, fault_component="display")
    _receive(clerk, network.a1, customer, product, fault_component="battery")  # another fault: not counted
    second = _repair(_receive(clerk, network.a1, customer, product, fault_component="display"), clerk)
    assert not second.complaint_risk and second.same_fault_orders == 1  # the first, even not yet repaired

    third = _receive(clerk, network.a1, customer, product, fault_component="display")

    assert third.same_fault_orders == 2 and third.complaint_risk
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    assert f'data-testid="risk-{third.number}"' in supervisor.get(reverse("home"), follow=True).text
    assert f'data-testid="risk-{first.number}"' not in supervisor.get(reverse("home"), follow=True).text
    assert 'data-testid="complaint-risk"' in supervisor.get(reverse("work-order-detail", args=[third.pk])).text
    entitlement = supervisor.get(reverse("api-work-order-detail", args=[third.pk])).json()["entitlement"]
    assert (entitlement["same_fault_orders"], entitlement["complaint_risk"]) == (2, True)
    assert "home-risks" not in client_for(clerk).get(reverse("home"), follow=True).text  # the supervisors' panel
    elsewhere = client_for(UserFactory(role=Role.SUPERVISOR, outlets=[network.b1]))
    assert f'data-testid="risk-{third.number}"' not in elsewhere.get(reverse("home"), follow=True).text  # outlet scope
