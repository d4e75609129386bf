import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.lifecycle import Status
from workorders.models import Customer, WorkOrder
from workorders.services import (
    customer_register,
    work_order_add_note,
    work_order_hand_over,
    work_order_receive,
    work_order_transition,
)

pytestmark = pytest.mark.django_db


def test_walk_in_order_gets_a_readable_number_a_pickup_code_and_its_warranty_decision(network):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    today = timezone.localdate()
    assert re.fullmatch(rf"{today:%y%m%d}\d{{5}}", order.number)
    assert re.fullmatch(r"\d{6}", order.pickup_code)
    assert order.owner == network.staff[Role.FRONT_DESK]
    assert order.status == Status.RECEIVED
    assert order.warranty_version.policy.code == "phone"
    assert order.in_warranty and "free_repair" in order.warranty_options
    assert order.warranty_reasons[0]["text"]
    assert order.events.get().kind == "created"


def test_numbers_are_unique_and_increase(network):
    first = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    second = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    assert int(second.number) == int(first.number) + 1


def test_out_of_warranty_product_is_flagged_so(network):
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(clerk, network.a1, purchase_date=dt.date(2020, 1, 1))
    order = work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="walk_in",
        service_type="repair",
        fault_description="不开机",
        actor=clerk,
    )
    assert not order.in_warranty and order.warranty_options == ["paid_repair"]


def test_incomplete_information_is_listed_and_blocks_dispatch_until_a_supervisor_overrides(network):
    hotline = network.staff[Role.HOTLINE]
    customer, product = customer_with_product(hotline, network.a1, model="", purchase_date=None, proof="none")
    order = work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="onsite_request",
        service_type="repair",
        fault_description="坏",
        actor=hotline,
    )
    assert order.missing_info == ["address", "model", "purchase_date", "fault"]
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=order, transition="request_dispatch", actor=hotline)
    assert "missing_info" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        work_order_transition(work_order=order, transition="request_dispatch", actor=hotline, override_incomplete=True)
    with translation.override("en"):
        moved = work_order_transition(
            work_order=order,
            transition="request_dispatch",
            actor=network.staff[Role.SUPERVISOR],
            override_incomplete=True,
        )
    assert moved.status == Status.AWAITING_DISPATCH
    assert "(override)" in moved.events.last().text


def test_the_same_idempotency_key_gives_one_order_not_two(network):
    clerk = network.staff[Role.FRONT_DESK]
    first = walk_in_order(clerk, network.a1, idempotency_key="form-abc")
    again = walk_in_order(clerk, network.a1, idempotency_key="form-abc")
    assert again.pk == first.pk
    assert WorkOrder.objects.filter(idempotency_key="form-abc").count() == 1


def test_walk_in_repair_needs_the_data_loss_warning_and_the_damage_waiver(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1, data_loss_acknowledged=False)
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=order, transition="start_service", actor=clerk)
    assert "data_loss_acknowledged" in exc.value.message_dict
    wet = walk_in_order(clerk, network.a1, water_or_drop_damage=True)
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=wet, transition="start_service", actor=clerk)
    assert "damage_waiver" in exc.value.message_dict


def test_intake_is_refused_for_another_outlet_and_for_roles_without_the_right(network):
    with pytest.raises(PermissionDenied):
        walk_in_order(network.staff[Role.FRONT_DESK], network.b1)
    with pytest.raises(PermissionDenied):
        customer_register(name="x", phones=["13812345678"], outlet=network.a1, actor=network.staff[Role.ENGINEER])


def test_invalid_phone_and_future_purchase_date_are_refused_with_field_names(network):
    clerk = network.staff[Role.FRONT_DESK]
    with pytest.raises(ValidationError) as exc:
        customer_register(name="李四", phones=["12345"], outlet=network.a1, actor=clerk)
    assert "phones" in exc.value.message_dict
    assert not Customer.objects.exists()
    with pytest.raises(ValidationError) as exc:
        customer_with_product(clerk, network.a1, purchase_date=timezone.localdate() + dt.timedelta(days=1))
    assert "purchase_date" in exc.value.message_dict


def test_a_product_of_another_customer_is_refused(network):
    clerk = network.staff[Role.FRONT_DESK]
    customer, _product = customer_with_product(clerk, network.a1)
    _other, foreign = customer_with_product(clerk, network.a1, phones=["13900001111"])
    with pytest.raises(ValidationError) as exc:
        work_order_receive(
            outlet=network.a1,
            customer=customer,
            product=foreign,
            channel="walk_in",
            service_type="repair",
            fault_description="不开机",
            actor=clerk,
        )
    assert "product" in exc.value.message_dict


def test_hand_over_is_recorded_and_needs_staff_of_the_outlet(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    with pytest.raises(ValidationError):
        work_order_hand_over(
            work_order=order, new_owner=UserFactory(role=Role.FRONT_DESK, outlets=[network.b1]), actor=clerk, reason="x"
        )
    moved = work_order_hand_over(work_order=order, new_owner=network.staff[Role.HOTLINE], actor=clerk, reason="换班")
    assert moved.owner == network.staff[Role.HOTLINE]
    assert moved.events.last().kind == "handover" and "换班" in moved.events.last().text


def test_notes_join_the_timeline(network):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    work_order_add_note(work_order=order, text="客户下午来取", actor=network.staff[Role.ENGINEER])
    assert [e.kind for e in order.events.all()] == ["created", "note"]
