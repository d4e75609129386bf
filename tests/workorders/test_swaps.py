"""Returns and exchanges carried out (三包 退货 / 换货): offered only when the decision allows them, the
unit taken back, the new unit or the refund, the signature; page and API under the same rules."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.roles import Role
from tests.workorders.factories import receive_walk_in
from workorders.lifecycle import Status
from workorders.models import Product, UnitSwap, WorkOrder
from workorders.services import (
    customer_register,
    product_register,
    swap_terms,
    work_order_exchange,
    work_order_return,
    work_order_transition,
)

SIGNED = "data:image/png;base64,iVBORw0KGgo="


pytestmark = pytest.mark.usefixtures("english")


def _phone_order(network, clerk, *, bought_days_ago: int, price="3999.00", serial="IMEI-1") -> WorkOrder:
    customer = customer_register(name="张三", phones=["13812345678"], outlet=network.a1, actor=clerk)
    product = product_register(
        customer=customer,
        category=Product.category.field.related_model.objects.get(code="phone"),
        brand="华为",
        model="Mate",
        serial=serial,
        purchase_date=timezone.localdate() - dt.timedelta(days=bought_days_ago),
        proof="invoice",
        price=Decimal(price) if price else None,
        actor=clerk,
    )
    return _walk_in(network, clerk, customer, product)


def _walk_in(network, clerk, customer, product) -> WorkOrder:
    return receive_walk_in(clerk, network.a1, customer, product, fault_description="无法开机")


def test_a_phone_bought_5_days_ago_is_exchanged_at_the_desk(network, clerk):
    order = _phone_order(network, clerk, bought_days_ago=5)
    assert order.warranty_options == ["return", "exchange", "free_repair"]

    swap = work_order_exchange(work_order=order, new_serial="IMEI-2", signature=SIGNED, actor=clerk)

    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.clock_limit_on is None
    assert swap.kind == UnitSwap.Kind.EXCHANGE and swap.number == f"HH{order.number}"
    assert swap.rules[0]["code"] == "within_return_window"
    old, new = Product.objects.get(pk=order.product_id), swap.new_product
    assert old.taken_back_on == timezone.localdate()
    assert (new.serial, new.customer_id, new.replaced_on) == ("IMEI-2", old.customer_id, timezone.localdate())
    assert "IMEI-2" in order.events.get(transition="exchange").text
    assert order.callbacks.filter(plan__code="service-72h").exists()  # the service is completed: 72 hours


def test_the_new_unit_has_its_own_periods_from_the_exchange_day(network, clerk):
    order = _phone_order(network, clerk, bought_days_ago=5)
    swap = work_order_exchange(work_order=order, new_serial="IMEI-2", signature=SIGNED, actor=clerk)
    with time_machine.travel(timezone.now() + dt.timedelta(days=12)):
        later = _walk_in(network, clerk, order.customer, swap.new_product)  # day 17 of the sale, day 12 of the unit
    assert "exchange" in later.warranty_options  # within 15 days of the exchange, not of the sale
    assert later.warranty_reasons[0]["code"] == "exchange_restarted"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"new_serial": ""}, "new_serial", "Record the new unit's serial / IMEI."),
        ({"new_serial": "IMEI-1"}, "new_serial", "The new unit must have another serial than the one taken back."),
        ({"new_serial": "IMEI-2", "signature": ""}, "signature", "The customer signs on the screen"),
    ],
)
def test_a_bad_exchange_is_refused_next_to_its_field_and_nothing_is_saved(network, clerk, kwargs, field, message):
    order = _phone_order(network, clerk, bought_days_ago=5)
    products = Product.objects.count()
    with pytest.raises(ValidationError) as refused:
        work_order_exchange(work_order=order, actor=clerk, **({"signature": SIGNED} | kwargs))
    assert refused.value.message_dict[field][0].startswith(message)
    order.refresh_from_db()
    assert order.status == Status.RECEIVED and not UnitSwap.objects.exists() and Product.objects.count() == products


def test_a_return_within_7_days_refunds_in_full_with_a_receipt(network, clerk):
    order = _phone_order(network, clerk, bought_days_ago=3)
    terms = swap_terms(order)
    assert terms.refund_due == Decimal("3999.00") and terms.depreciation_fee == Decimal("0.00")

    swap = work_order_return(
        work_order=order,
        price_paid=Decimal("3999.00"),
        refund_amount=Decimal("3999.00"),
        refund_method="wechat",
        signature=SIGNED,
        actor=clerk,
    )

    assert swap.number == f"TH{order.number}" and swap.refund_amount == Decimal("3999.00")
    order.refresh_from_db()
    assert order.status == Status.CLOSED


@pytest.mark.parametrize(
    ("refund", "field", "message"),
    [
        ("4200.00", "refund_amount", "The refund cannot be more than the customer paid (¥3999.00)."),
        ("3000.00", "refund_amount", "Under the three guarantees the customer is owed at least ¥3999.00 back."),
    ],
)
def test_a_refund_outside_what_was_paid_and_what_is_owed_is_refused(network, clerk, refund, field, message):
    order = _phone_order(network, clerk, bought_days_ago=3)
    with pytest.raises(ValidationError) as refused:
        work_order_return(
            work_order=order,
            price_paid=Decimal("3999.00"),
            refund_amount=Decimal(refund),
            refund_method="cash",
            signature=SIGNED,
            actor=clerk,
        )
    assert refused.value.message_dict == {field: [message]}
    assert not UnitSwap.objects.exists()


def test_a_return_the_decision_does_not_allow_is_refused(network, clerk):
    order = _phone_order(network, clerk, bought_days_ago=10)  # exchange or repair only
    assert order.warranty_options == ["exchange", "free_repair"]
    with pytest.raises(ValidationError) as refused:
        work_order_return(
            work_order=order,
            price_paid=Decimal("3999.00"),
            refund_amount=Decimal("3999.00"),
            refund_method="cash",
            signature=SIGNED,
            actor=clerk,
        )
    assert "do not grant a return" in refused.value.message_dict["__all__"][0]
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_after_two_repairs_the_return_is_less_the_depreciation_fee(network, clerk):
    with time_machine.travel(timezone.now() - dt.timedelta(days=100)):
        order = _phone_order(network, clerk, bought_days_ago=0)
        customer, product = order.customer, order.product
        for earlier in (order, _walk_in(network, clerk, customer, product)):
            for step in ("start_service", "finish_repair", "hand_back"):
                work_order_transition(work_order=earlier, transition=step, actor=clerk)
    third = _walk_in(network, clerk, customer, product)
    assert third.warranty_options == ["return", "exchange", "free_repair"]
    terms = swap_terms(third)
    # phone policy: 0.5% of the price per day of use, 100 days
    assert terms.depreciation_fee == Decimal("1999.50") and terms.refund_due == Decimal("1999.50")


def test_outside_三包_an_approved_remedy_grants_the_exchange(network, clerk):
    order = _phone_order(network, clerk, bought_days_ago=60)
    with pytest.raises(ValidationError):
        work_order_exchange(work_order=order, new_serial="IMEI-9", signature=SIGNED, actor=clerk)
    swap = work_order_exchange(
        work_order=order,
        new_serial="IMEI-9",
        signature=SIGNED,
        remedy="投诉 #1 补救：换货，主管批准",
        actor=network.staff[Role.SUPERVISOR],
    )
    assert swap.rules == [{"code": "approved_remedy", "text": "投诉 #1 补救：换货，主管批准"}]


# --- The page and the API ------------------------------------------------------------------------


def test_the_desk_exchanges_on_the_page_and_prints_the_slip(network, clerk, client_for):
    order = _phone_order(network, clerk, bought_days_ago=5)
    client = client_for(clerk)
    detail = client.get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert 'data-testid="offer-exchange"' in detail and 'data-testid="offer-return"' in detail

    url = reverse("work-order-swap", args=[order.pk, "exchange"])
    refused = client.post(url, {"new_serial": "", "signature": SIGNED})
    assert refused.status_code == 400 and "Record the new unit" in refused.content.decode()

    done = client.post(url, {"new_serial": "IMEI-2", "signature": SIGNED})
    assert done.status_code == 302
    slip = client.get(reverse("work-order-print", args=[order.pk, "swap-slip"]), {"lang": "en"}).content.decode()
    assert "IMEI-2" in slip and 'data-testid="slip-new-periods"' in slip


def test_roles_that_do_not_hand_over_units_cannot_open_the_page(network, clerk, client_for):
    order = _phone_order(network, clerk, bought_days_ago=5)
    response = client_for(network.staff[Role.HOTLINE]).get(reverse("work-order-swap", args=[order.pk, "return"]))
    assert response.status_code == 403


def test_the_api_returns_and_exchanges_under_the_same_rules(network, clerk):
    order = _phone_order(network, clerk, bought_days_ago=3)
    api = APIClient()
    api.force_authenticate(clerk)
    url = reverse("api-work-order-return", args=[order.pk])
    body = {"price_paid": "3999.00", "refund_amount": "4000.00", "refund_method": "cash", "signature": SIGNED}
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400 and "refund_amount" in refused.json()["error"]["fields"]

    done = api.post(url, body | {"refund_amount": "3999.00"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "closed" and done.json()["swap"]["refund_amount"] == "3999.00"

    other = _phone_order(network, clerk, bought_days_ago=3, serial="IMEI-3")
    exchanged = api.post(
        reverse("api-work-order-exchange", args=[other.pk]), {"new_serial": "", "signature": SIGNED}, format="json"
    )
    assert exchanged.status_code == 400 and "new_serial" in exchanged.json()["error"]["fields"]


def test_a_unit_taken_back_takes_no_new_order_and_shows_so_at_intake(network, clerk, client_for):
    order = _phone_order(network, clerk, bought_days_ago=5)
    swap = work_order_exchange(work_order=order, new_serial="IMEI-2", signature=SIGNED, actor=clerk)
    with pytest.raises(ValidationError) as refused:
        _walk_in(network, clerk, order.customer, Product.objects.get(pk=order.product_id))
    assert "taken back" in refused.value.message_dict["product"][0]  # (English: the module speaks it)
    found = client_for(clerk).get(reverse("customer-lookup"), {"phone": "13812345678"}).content.decode()
    assert 'data-testid="taken-back"' in found and found.count('data-testid="pick-product"') == 1
    assert swap.new_product.serial in found or "exchanged unit" in found


def test_the_engineer_is_offered_the_exchange_on_the_job_page(network, client_for):
    from dispatch.models import EngineerProfile
    from tests.dispatch.factories import booked, onsite_order

    engineer = network.staff[Role.ENGINEER]
    EngineerProfile.objects.get_or_create(user=engineer)
    recent = timezone.localdate() - dt.timedelta(days=3)
    order = onsite_order(network.staff[Role.HOTLINE], network.a1, purchase_date=recent)
    appointment = booked(order, engineer, network.staff[Role.DISPATCHER])
    client = client_for(engineer)
    job = client.get(reverse("job-detail", args=[appointment.pk])).content.decode()
    assert 'data-testid="job-swap"' in job
    assert client.get(reverse("work-order-swap", args=[order.pk, "exchange"])).status_code == 200
