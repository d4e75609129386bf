"""Outside what 三包 grants, a return or an exchange is a complaint remedy approved by rank, carried out on
the case's order."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import CaseStep, Remedy
from complaints.services import case_open, remedy_decide, remedy_propose
from core.roles import Role
from workorders.lifecycle import Status
from workorders.models import ProductCategory, UnitSwap
from workorders.services import customer_register, product_register, work_order_receive

SIGNED = "data:image/png;base64,iVBORw0KGgo="


@pytest.fixture
def case_with_order(network):
    clerk = network.staff[Role.FRONT_DESK]
    customer = customer_register(name="张三", phones=["13812345678"], outlet=network.a1, actor=clerk)
    product = product_register(
        customer=customer,
        category=ProductCategory.objects.get(code="phone"),
        brand="华为",
        serial="IMEI-1",
        purchase_date=timezone.localdate() - dt.timedelta(days=60),  # past the exchange period
        proof="invoice",
        actor=clerk,
    )
    order = work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="walk_in",
        service_type="repair",
        fault_description="反复死机",
        data_loss_acknowledged=True,
        actor=clerk,
    )
    assert "exchange" not in order.warranty_options
    case = case_open(
        outlet=network.a1,
        customer=customer,
        work_order=order,
        category="product_quality",
        severity="high",
        description="第三次坏了，要求换机",
        actor=network.staff[Role.HOTLINE],
    )
    return case, order


def test_an_exchange_remedy_always_waits_for_approval_whatever_it_costs(network, case_with_order):
    case, _order = case_with_order
    remedy = remedy_propose(case=case, kind="exchange", amount=Decimal("0"), actor=network.staff[Role.HOTLINE])
    assert remedy.status == Remedy.Status.AWAITING_APPROVAL


def test_the_approved_exchange_is_carried_out_on_the_order(network, case_with_order, client_for):
    case, order = case_with_order
    remedy = remedy_propose(case=case, kind="exchange", amount=Decimal("0"), actor=network.staff[Role.HOTLINE])
    supervisor = network.staff[Role.SUPERVISOR]
    remedy_decide(remedy=remedy, approve=True, note="同意换机", actor=supervisor)
    client = client_for(supervisor)
    assert 'data-testid="carry-out"' in client.get(reverse("complaint-detail", args=[case.pk])).content.decode()

    url = reverse("remedy-carry-out", args=[remedy.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"new_serial": "IMEI-2", "signature": SIGNED}).status_code == 302

    order.refresh_from_db()
    swap = UnitSwap.objects.get(work_order=order)
    assert order.status == Status.CLOSED and swap.new_product.serial == "IMEI-2"
    assert swap.rules[0]["code"] == "approved_remedy" and f"投诉 {case.pk}" in swap.remedy  # in the staff's language
    assert case.steps.filter(step=CaseStep.Step.NOTE, notes__contains=swap.number).exists()


def test_a_remedy_not_yet_approved_cannot_be_carried_out(network, case_with_order, client_for):
    case, _order = case_with_order
    remedy = remedy_propose(case=case, kind="exchange", amount=Decimal("0"), actor=network.staff[Role.HOTLINE])
    client = client_for(network.staff[Role.SUPERVISOR])
    assert client.get(reverse("remedy-carry-out", args=[remedy.pk])).status_code == 404
