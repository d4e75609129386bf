"""Claims in the flow of real orders: made at close from the order's records, re-checked when a callback is
made or the order reopens, decided by headquarters or a delegated centre only."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.roles import Role
from dispatch.models import Part
from dispatch.services import (
    part_requisition_issue,
    part_requisition_request,
    place_of_outlet,
    stock_receive,
    visit_sign_off,
)
from followups.models import Callback
from followups.services import callback_claim, callback_record, callback_sweep
from settlement.models import WarrantyClaim
from settlement.services import claim_decide, claim_recheck
from tests.dispatch.factories import booked, engineer, onsite_order
from tests.dispatch.test_services_visit import SIGNATURE, _at, _visit_until_finished
from tests.factories import UserFactory
from tests.settlement.factories import published_price_list
from tests.warranty.factories import published_schedule
from tests.workorders.factories import customer_with_product, receive_walk_in, walk_in_order
from workorders.lifecycle import Status
from workorders.models import WorkOrder
from workorders.services import work_order_exchange, work_order_pickup, work_order_quote, work_order_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def prices(network):
    published_schedule()
    return published_price_list()


def _callback(order, outcome="satisfied", notes=""):
    """The 72-hour callback of a handed-back order, made now."""
    hl = UserFactory(role=Role.HOTLINE, outlets=[order.outlet])
    with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
        callback_sweep()
        callback = Callback.objects.filter(work_order=order, status=Callback.Status.QUEUED).get()
        callback_claim(callback=callback, actor=hl)
        callback_record(callback=callback, outcome=outcome, notes=notes, actor=hl)
    order.refresh_from_db()
    return order


def _picked_up(clerk, order, *, refused=False, parts=(("screen", 1),)):
    steps = ("start_service", "finish_repair")
    if parts:
        order = work_order_quote(work_order=order, parts=list(parts), actor=clerk)
        steps = ("approve_quote", *steps)
    for step in steps:
        order = work_order_transition(work_order=order, transition=step, actor=clerk)
    order = WorkOrder.objects.get(pk=order.pk)
    return work_order_pickup(
        work_order=order,
        pickup_code=order.pickup_code,
        signature="" if refused else SIGNATURE,
        signature_refused=refused,
        actor=clerk,
    )


def test_a_walk_in_repaired_in_warranty_is_claimed_when_the_callback_closes_it(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    order = _picked_up(clerk, walk_in_order(clerk, network.a1))
    assert not WarrantyClaim.objects.exists()  # not closed yet
    order = _callback(order)
    assert order.status == Status.CLOSED
    claim = WarrantyClaim.objects.get(work_order=order)
    assert claim.status == WarrantyClaim.Status.PENDING and claim.findings == []
    assert claim.claimed == Decimal("340.00") and claim.price_list == prices
    assert [(line.kind, line.code, line.amount) for line in claim.lines.all()] == [
        ("labour", "bench", Decimal("40.00")),
        ("part", "screen", Decimal("300.00")),
    ]
    assert claim.callback.outcome == "satisfied" and claim.visit is None
    assert claim.outlet == network.a1 and claim.in_warranty and claim.service_day == timezone.localdate()


def test_an_order_out_of_warranty_or_not_repaired_makes_no_claim(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(clerk, network.a1, purchase_date=dt.date(2020, 1, 1))
    paid = receive_walk_in(clerk, network.a1, customer, product)
    paid = work_order_quote(work_order=paid, parts=[("screen", 1)], actor=clerk)
    work_order_transition(work_order=paid, transition="decline_quote", reason="太贵", actor=clerk)
    guidance = walk_in_order(clerk, network.a1)
    work_order_transition(
        work_order=guidance, transition="resolve_by_phone", reason="重启", actor=network.staff[Role.HOTLINE]
    )
    assert _callback(guidance).status == Status.CLOSED
    assert not WarrantyClaim.objects.exists()


def test_a_refused_signature_holds_the_claim_and_headquarters_pays_it_only_with_a_note(network, prices):
    clerk, hq = network.staff[Role.FRONT_DESK], network.staff[Role.ADMIN]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1), refused=True))
    claim = order.claim
    assert claim.status == WarrantyClaim.Status.HELD and [f["rule"] for f in claim.findings] == ["signature"]
    with pytest.raises(ValidationError) as exc:
        claim_decide(claim=claim, decision="approve", actor=hq)
    assert "note" in exc.value.message_dict
    claim = claim_decide(claim=claim, decision="approve", note="回访确认已修好", actor=hq)
    assert claim.status == WarrantyClaim.Status.APPROVED and claim.approved == claim.claimed
    assert claim.history.filter(history_user=hq, status="approved").exists()  # audited
    assert claim.decision_note == "回访确认已修好"  # why a held claim was paid, kept with the decision
    approval = order.events.get(message__id__startswith="Warranty-cost claim approved")
    assert approval.actor == hq and approval.message["params"]["amount"] == str(claim.approved)  # on the timeline


def test_an_exchange_closes_at_once_and_its_claim_waits_for_the_callback(network, prices):
    """A 三包 exchange closes the order at once: its claim pays the handling and waits for the 72-hour callback."""
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(
        clerk, network.a1, purchase_date=timezone.localdate() - dt.timedelta(days=5)
    )
    order = receive_walk_in(clerk, network.a1, customer, product)
    work_order_exchange(work_order=order, new_serial="IMEI-2", signature=SIGNATURE, actor=clerk)
    claim = WarrantyClaim.objects.get(work_order=order)
    assert claim.status == WarrantyClaim.Status.HELD and [f["rule"] for f in claim.findings] == ["callback"]
    assert [(line.kind, line.amount) for line in claim.lines.all()] == [("handling", Decimal("30.00"))]
    _callback(order)
    claim.refresh_from_db()
    assert claim.status == WarrantyClaim.Status.PENDING and claim.claimed == Decimal("30.00")
    assert claim.callback.outcome == "satisfied"


def test_a_repeat_repair_within_30_days_holds_the_second_claim(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    first = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    second = receive_walk_in(clerk, network.a1, first.customer, first.product)
    second = _callback(_picked_up(clerk, second, parts=()))
    assert first.claim.status == WarrantyClaim.Status.PENDING
    claim = second.claim
    assert claim.status == WarrantyClaim.Status.HELD and [f["rule"] for f in claim.findings] == ["repeat_repair"]
    assert claim.claimed == Decimal("40.00")


def test_parts_drawn_for_the_job_but_not_used_hold_the_claim_until_returned_or_used(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    supervisor = network.staff[Role.SUPERVISOR]
    screen = Part.objects.create(code="screen", name="屏幕总成")
    stock_receive(place=place_of_outlet(network.a1), part=screen, quantity=5, actor=supervisor)
    order = walk_in_order(clerk, network.a1)
    requisition = part_requisition_request(work_order=order, part=screen, quantity=2, actor=clerk)
    part_requisition_issue(requisition=requisition, actor=supervisor)
    order = _callback(_picked_up(clerk, order, parts=(("screen", 1),)))
    claim = order.claim
    assert [f["rule"] for f in claim.findings] == ["parts_not_used"]
    assert [(line.code, line.quantity) for line in claim.lines.filter(kind="part")] == [("screen", 2)]


def test_an_on_site_claim_pays_labour_and_travel_by_the_engineers_distance(network, prices):
    eng = engineer(network.a1, username="wang")
    order = onsite_order(network.staff[Role.HOTLINE], network.a1)
    appointment = booked(order, eng, network.staff[Role.DISPATCHER], hour=10, hours=2)
    job = type("Job", (), {"eng": eng, "appointment": appointment, "order": order, "net": network})
    _visit_until_finished(job, distance_km=22)
    with _at(11, 30):
        visit_sign_off(appointment=appointment, satisfied=True, signature=SIGNATURE, actor=eng)
    order = _callback(WorkOrder.objects.get(pk=order.pk))
    claim = order.claim
    assert claim.status == WarrantyClaim.Status.PENDING, claim.finding_texts
    assert claim.visit == appointment and claim.distance_km == 22
    assert [(line.kind, line.amount) for line in claim.lines.all()] == [
        ("labour", Decimal("60.00")),
        ("travel", Decimal("20.00")),
    ]
    assert claim.visit.report.distance_km == claim.distance_km  # travel priced from the engineer's own record


def test_a_reopened_order_holds_its_claim_until_it_closes_again(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    work_order_transition(
        work_order=order, transition="reopen", reason="客户又来电", actor=network.staff[Role.SUPERVISOR]
    )
    claim = WarrantyClaim.objects.get(work_order=order)
    assert claim.status == WarrantyClaim.Status.HELD and [f["rule"] for f in claim.findings] == ["order_open"]
    with pytest.raises(ValidationError):
        claim_decide(claim=claim, decision="approve", note="照付", actor=network.staff[Role.ADMIN])


def test_no_price_list_in_force_holds_the_claim_until_one_is_published_and_rechecked(network):
    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    claim = order.claim
    assert claim.price_list is None and claim.claimed == 0 and claim.findings[0]["rule"] == "price_missing"
    published_price_list()
    claim = claim_recheck(claim=claim, actor=clerk)
    assert claim.status == WarrantyClaim.Status.PENDING and claim.claimed == Decimal("340.00")


def test_only_headquarters_or_a_delegated_centre_decides_and_never_out_of_scope(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    claim = order.claim
    centre_supervisor = network.staff[Role.SUPERVISOR]
    with pytest.raises(PermissionDenied):
        claim_decide(claim=claim, decision="approve", actor=clerk)
    with pytest.raises(PermissionDenied):  # the centre has no delegation
        claim_decide(claim=claim, decision="approve", actor=centre_supervisor)
    other_centre = UserFactory(role=Role.SUPERVISOR, centre=network.centre_b)
    network.centre_b.decides_claims = True
    network.centre_b.save()
    with pytest.raises(PermissionDenied):  # not its outlets
        claim_decide(claim=claim, decision="approve", actor=other_centre)
    network.centre_a.decides_claims = True
    network.centre_a.save()
    centre_supervisor = type(centre_supervisor).objects.get(pk=centre_supervisor.pk)
    with pytest.raises(ValidationError) as exc:
        claim_decide(claim=claim, decision="reject", actor=centre_supervisor)
    assert "note" in exc.value.message_dict
    claim = claim_decide(claim=claim, decision="reject", note="照片不清", actor=centre_supervisor)
    assert claim.status == WarrantyClaim.Status.REJECTED
    with pytest.raises(ValidationError):
        claim_decide(claim=claim, decision="approve", actor=network.staff[Role.ADMIN])


def test_an_adjustment_pays_another_amount_with_the_reason(network, prices):
    clerk, hq = network.staff[Role.FRONT_DESK], network.staff[Role.ADMIN]
    claim = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1))).claim
    with pytest.raises(ValidationError) as exc:
        claim_decide(claim=claim, decision="approve", amount=Decimal("300.00"), actor=hq)
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        claim_decide(claim=claim, decision="approve", amount=Decimal("-1"), note="x", actor=hq)
    assert "amount" in exc.value.message_dict
    claim = claim_decide(claim=claim, decision="approve", amount=Decimal("300.00"), note="工时超标准", actor=hq)
    assert claim.approved == Decimal("300.00") and claim.adjusted and claim.decided_by == hq
