"""Waiving or reducing a charge needs a supervisor's approval, recorded either way."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.roles import Role
from tests.factories import UserFactory
from tests.warranty.factories import published_schedule
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.models import ChargeWaiver
from workorders.services import (
    charge_waiver_decide,
    charge_waiver_request,
    payment_take,
    work_order_quote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoted(network):
    """An out-of-warranty walk-in quoted ¥579 (screen + labour)."""
    published_schedule()
    fd = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(fd, network.a1, purchase_date=None, proof="none")
    order = walk_in_order(fd, network.a1, customer=customer, product=product)
    return work_order_quote(work_order=order, parts=[("screen", 1)], actor=fd)


def test_a_supervisor_approves_a_reduction_and_the_charge_follows(quoted, network):
    fd, sv = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    assert quoted.amount_due == Decimal("579.00")
    waiver = charge_waiver_request(work_order=quoted, new_total=Decimal("400"), reason="老客户，配件延期到货", actor=fd)
    with pytest.raises(PermissionDenied):
        charge_waiver_decide(waiver=waiver, approve=True, actor=fd)  # not the asker's call

    charge_waiver_decide(waiver=waiver, approve=True, note="同意", actor=sv)

    quoted.refresh_from_db()
    waiver.refresh_from_db()
    assert quoted.amount_due == Decimal("400.00") and quoted.quote_lines[-1]["amount"] == "-179.00"
    assert (waiver.status, waiver.decided_by) == ("approved", sv)
    assert quoted.events.filter(text__contains="老客户").exists()
    with pytest.raises(ValidationError):
        charge_waiver_decide(waiver=waiver, approve=False, note="x", actor=sv)  # decided once


def test_requests_are_checked_and_one_waits_at_a_time(quoted, network):
    fd, sv = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    for new_total, field in [(Decimal("579"), "new_total"), (Decimal("-1"), "new_total")]:
        with pytest.raises(ValidationError) as exc:
            charge_waiver_request(work_order=quoted, new_total=new_total, reason="x", actor=fd)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        charge_waiver_request(work_order=quoted, new_total=Decimal("0"), reason=" ", actor=fd)
    assert "reason" in exc.value.message_dict
    first = charge_waiver_request(work_order=quoted, new_total=Decimal("0"), reason="质量问题返修", actor=fd)
    with pytest.raises(ValidationError):
        charge_waiver_request(work_order=quoted, new_total=Decimal("100"), reason="再申请", actor=fd)
    with pytest.raises(ValidationError) as exc:
        charge_waiver_decide(waiver=first, approve=False, note="", actor=sv)
    assert "note" in exc.value.message_dict
    charge_waiver_decide(waiver=first, approve=False, note="不符合减免条件", actor=sv)
    quoted.refresh_from_db()
    assert quoted.amount_due == Decimal("579.00")


def test_no_waiver_once_paid_nor_from_another_centre(quoted, network):
    fd = network.staff[Role.FRONT_DESK]
    waiver = charge_waiver_request(work_order=quoted, new_total=Decimal("500"), reason="x", actor=fd)
    south = UserFactory(role=Role.SUPERVISOR, centre=network.centre_b)
    with pytest.raises(PermissionDenied):
        charge_waiver_decide(waiver=waiver, approve=True, actor=south)
    payment_take(work_order=quoted, amount=Decimal("579"), method="cash", actor=fd)
    with pytest.raises(ValidationError):
        charge_waiver_decide(waiver=waiver, approve=True, actor=network.staff[Role.SUPERVISOR])
    assert ChargeWaiver.objects.get().status == "pending"


def test_waiver_pages_and_api(quoted, network, client_for):
    fd, sv = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    client_for(fd).post(reverse("work-order-waiver", args=[quoted.pk]), {"new_total": "300", "reason": "赠送维修"})
    waiver = ChargeWaiver.objects.get()
    home = client_for(sv).get(reverse("home"), follow=True).content.decode()
    assert "赠送维修" in home and reverse("waiver-decide", args=[waiver.pk]) in home
    client_for(sv).post(reverse("waiver-decide", args=[waiver.pk]), {"approve": "yes", "note": "", "next": "home"})
    waiver.refresh_from_db()
    assert waiver.status == "approved"

    api = client_for(fd)
    asked = api.post(
        reverse("api-work-order-waiver", args=[quoted.pk]),
        {"new_total": "0", "reason": "全免"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    client = client_for(sv)
    assert [w["id"] for w in client.get(reverse("api-waiver-list"), {"status": "pending"}).json()["results"]] == [
        asked.json()["id"]
    ]
    rejected = client.post(
        reverse("api-waiver-decision", args=[asked.json()["id"]]), {"approve": False}, content_type="application/json"
    )
    assert rejected.status_code == 400 and "note" in rejected.json()["error"]["fields"]
