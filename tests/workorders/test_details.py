import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from core.roles import Role
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.lifecycle import Status
from workorders.services import (
    work_order_complete_details,
    work_order_receive,
    work_order_record_agreement,
    work_order_transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def incomplete(network):
    hotline = network.staff[Role.HOTLINE]
    customer, product = customer_with_product(hotline, network.a1, model="", purchase_date=None, proof="none")
    return work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="onsite_request",
        service_type="repair",
        fault_description="不制冷",
        actor=hotline,
    )


def _complete(order, actor, **changes):
    args = {
        "expected_version": order.version,
        "address": "上海市徐汇区漕溪北路 88 号",
        "model": "KFR-35GW",
        "purchase_date": timezone.localdate() - dt.timedelta(days=30),
        "proof": "invoice",
        "fault_description": "不制冷，外机不转",
        "requested_time": None,
    }
    return work_order_complete_details(work_order=order, actor=actor, **(args | changes))


def test_completing_the_details_clears_the_flags_and_redoes_the_warranty(network, incomplete):
    assert incomplete.missing_info == ["address", "model", "purchase_date"] and not incomplete.in_warranty
    order = _complete(incomplete, network.staff[Role.HOTLINE])
    assert order.missing_info == [] and order.in_warranty
    moved = work_order_transition(work_order=order, transition="request_dispatch", actor=network.staff[Role.HOTLINE])
    assert moved.status == Status.AWAITING_DISPATCH


def test_a_stale_details_form_is_a_conflict(network, incomplete):
    with pytest.raises(ConflictError):
        _complete(incomplete, network.staff[Role.HOTLINE], expected_version=incomplete.version - 1)


def test_future_purchase_date_is_refused(network, incomplete):
    with pytest.raises(ValidationError) as exc:
        _complete(incomplete, network.staff[Role.HOTLINE], purchase_date=timezone.localdate() + dt.timedelta(days=2))
    assert "purchase_date" in exc.value.message_dict


def test_agreements_unblock_the_bench_repair(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1, data_loss_acknowledged=False, water_or_drop_damage=True)
    order = work_order_record_agreement(work_order=order, agreement="data_loss", actor=clerk)
    order = work_order_record_agreement(work_order=order, agreement="damage_waiver", actor=clerk)
    assert order.data_loss_acknowledged and order.damage_waiver_signed_at is not None


def test_details_page_shows_a_conflict_without_losing_input(network, incomplete, client_for):
    client = client_for(network.staff[Role.HOTLINE])
    url = reverse("work-order-details", args=[incomplete.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "version": incomplete.version - 1,
        "address": "新地址 1 号",
        "model": "X",
        "proof": "invoice",
        "fault_description": "不制冷",
    }
    response = client.post(url, data)
    assert response.context["form"].non_field_errors() and 'value="新地址 1 号"' in response.text
    response = client.post(url, data | {"version": incomplete.version})
    assert response.status_code == 302
    incomplete.refresh_from_db()
    assert incomplete.address == "新地址 1 号" and "address" not in incomplete.missing_info
