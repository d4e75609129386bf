"""Each KPI section on hand-built rows with known answers: times are pinned after the rows are made
through the services, so the expected figures can be worked out by hand."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from complaints.models import Feedback
from core.models import Outlet
from core.roles import Role
from dispatch.models import Appointment, AppointmentChange, LoanerUnit, VisitReport
from followups.models import Callback, CallbackPlan
from kpis import selectors
from kpis.models import FiguresRefresh
from kpis.services import figures_refresh
from tests.dispatch.factories import engineer, onsite_order
from tests.workorders.factories import walk_in_order
from workorders.models import Payment, ProductCategory, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 15)


def t(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def figures_made(first=DAY, last=DAY) -> None:
    """What beat does every few minutes: the outlet-day figures of these days from the rows."""
    figures_refresh(first_day=first, last_day=last, kind=FiguresRefresh.Kind.RECENT)


def scope(outlets, *, first=DAY, last=DAY, category=None) -> selectors.Scope:
    """The figures of these days made from the rows as they are now, and a scope over them."""
    figures_made(first, last)
    return selectors.Scope(
        outlets=Outlet.objects.filter(pk__in=[o.pk for o in outlets]),
        since=dt.datetime.combine(first, dt.time(), tzinfo=SHANGHAI),
        until=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI),
        category_id=category,
    )


def received(order, when):
    WorkOrder.objects.filter(pk=order.pk).update(created_at=when)


def visit(order, tech, starts, *, booked_at=None, **fields):
    """An appointment of `order` with `tech` starting at `starts` (two hours), booked at `booked_at`."""
    made = Appointment.objects.create(
        work_order=order,
        outlet=order.outlet,
        engineer=tech,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        booked_by=tech,
        **fields,
    )
    Appointment.objects.filter(pk=made.pk).update(booked_at=booked_at or starts - dt.timedelta(hours=1))
    return made


def test_come_when_called(network):
    dp = network.staff[Role.DISPATCHER]
    tech = engineer(network.a1)
    first, second = (
        onsite_order(network.staff[Role.HOTLINE], network.a1),
        onsite_order(network.staff[Role.HOTLINE], network.a1),
    )
    received(first, t(8))
    received(second, t(9))
    # The first asked for 14:00 and was booked for 14:00; the second asked for 15:00 and got 17:00.
    WorkOrder.objects.filter(pk=first.pk).update(requested_time=t(14))
    WorkOrder.objects.filter(pk=second.pk).update(requested_time=t(15))
    late = visit(first, tech, t(14), booked_at=t(10), arrived_at=t(16, 20), late_minutes=20, status="done")
    visit(second, tech, t(17), booked_at=t(13), arrived_at=t(17, 10), status="done")
    visit(second, tech, t(19), status="no_show")
    change = AppointmentChange.objects.create(
        appointment=late,
        kind="reschedule",
        from_engineer=tech,
        to_engineer=tech,
        from_starts_at=t(12),
        from_ends_at=t(14),
        to_starts_at=t(14),
        to_ends_at=t(16),
        reason="客户临时有事",
        customer_agreed=True,
        actor=dp,
    )
    AppointmentChange.objects.filter(pk=change.pk).update(at=t(11))

    section = selectors.come_when_called(scope([network.a1]))
    total = section.total
    assert total["requests"] == 2 and total["first_contact_hours"] == 3.0  # (2 h + 4 h) / 2
    assert (total["asked"], total["asked_met"], total["asked_met_pct"], total["asked_late_hours"]) == (2, 1, 50.0, 2.0)
    assert (total["visits"], total["on_time"], total["late_30"], total["no_show"]) == (2, 1, 1, 1)
    assert total["on_time_pct"] == 50.0
    assert total["reschedules"] == 1 and total["reschedules_per_100"] == 50.0
    assert [f.value for f in section.figures] == [3.0, 50.0, 50.0, 50.0, 1]
    reasons = selectors.reschedule_reasons(scope([network.a1])).rows
    assert reasons == [{"reason": "客户临时有事", "reschedules": 1, "customer_agreed": 1}]


def test_fixed_on_arrival(network):
    tech = engineer(network.a1)
    once, twice, pulled = (onsite_order(network.staff[Role.HOTLINE], network.a1) for _ in range(3))
    for order in (once, twice, pulled):
        received(order, t(8))
    visit(once, tech, t(9), status="done")
    visit(twice, tech, t(11), status="done")
    visit(twice, tech, t(13), status="done")
    bench = visit(pulled, tech, t(15), status="done")
    VisitReport.objects.create(appointment=bench, pulled_back=True, updated_by=tech)
    # The same product back 10 days after an earlier in-warranty order: a repeat within 30 days.
    earlier = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    again = walk_in_order(
        network.staff[Role.FRONT_DESK], network.a1, customer=earlier.customer, product=earlier.product
    )
    received(earlier, t(10, day=DAY - dt.timedelta(days=10)))
    received(again, t(10))
    WorkOrder.objects.filter(pk__in=[earlier.pk, again.pk]).update(in_warranty=True)

    total = selectors.fixed_on_arrival(scope([network.a1])).total
    assert (total["onsite"], total["first_visit_fixed"], total["two_plus"], total["pulled_back"]) == (3, 1, 1, 1)
    assert total["first_visit_pct"] == pytest.approx(33.3)
    assert (total["orders"], total["repeat_30"], total["repeat_warranty"]) == (4, 1, 1)


def test_delight(network):
    hl, fd = network.staff[Role.HOTLINE], network.staff[Role.FRONT_DESK]
    tech = engineer(network.a1)
    a, b = onsite_order(hl, network.a1), onsite_order(hl, network.a1)
    for order, (quality, attitude, signature) in ((a, (4, 5, "data:image/png;base64,x")), (b, (2, 3, ""))):
        VisitReport.objects.create(
            appointment=visit(order, tech, t(9 if order is a else 12), status="done"),
            rating_quality=quality,
            rating_attitude=attitude,
            signature=signature,
            signature_refused_reason="" if signature else "手受伤",
            satisfied=signature != "",
            signed_off_at=t(15),
            updated_by=tech,
        )
    card = walk_in_order(fd, network.a1)
    WorkOrder.objects.filter(pk=card.pk).update(picked_up_at=t(16), satisfaction_rating=4)
    plan = CallbackPlan.objects.get(code="service-72h")
    for n, outcome in enumerate(["satisfied", "dissatisfied", "not_reached"]):
        Callback.objects.create(
            plan=plan,
            outlet=network.a1,
            customer=card.customer,
            due_at=t(9),
            first_due_at=t(9),
            idempotency_key=f"k{n}",
            status="done" if outcome != "not_reached" else "failed",
            outcome=outcome,
            completed_at=t(11),
        )
    Feedback.objects.create(
        outlet=network.a1, type="praise", channel="callback", text="好", praised_staff=tech, created_by=hl
    )
    Feedback.objects.filter(type="praise").update(created_at=t(12))

    total = selectors.delight(scope([network.a1])).total
    assert (total["quality"], total["attitude"], total["refused_to_sign"], total["satisfied"]) == (3.0, 4.0, 1, 1)
    assert (total["cards"], total["card"]) == (1, 4.0)
    assert (total["callbacks_reached"], total["callback_satisfied_pct"], total["praise"]) == (2, 50.0, 1)


def test_information_complaints_turnaround_and_loaners(network):
    hl, fd, sv = network.staff[Role.HOTLINE], network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    for department, model, acknowledged in (("rd", "X1", True), ("rd", "X1", False), ("quality", "", False)):
        Feedback.objects.create(
            outlet=network.a1,
            type="suggestion",
            channel="hotline",
            text="建议",
            department=department,
            product_model=model,
            created_by=hl,
            acknowledged_by=sv if acknowledged else None,
            acknowledged_at=t(13) if acknowledged else None,
        )
    Feedback.objects.update(created_at=t(12))
    info = selectors.information(scope([network.a1]))
    assert {r["department"]: (r["captured"], r["open"]) for r in info.rows} == {"R&D": (2, 1), "Quality": (1, 1)}
    models = selectors.quality_by_model(scope([network.a1])).rows
    assert [(r["product_model"], r["captured"]) for r in models] == [("X1", 2), ("(no model)", 1)]

    order = walk_in_order(fd, network.a1)
    received(order, t(8))
    WorkOrderEvent.objects.create(work_order=order, kind="transition", to_status="repaired", actor=fd)
    WorkOrderEvent.objects.filter(work_order=order, to_status="repaired").update(at=t(14))
    WorkOrder.objects.filter(pk=order.pk).update(picked_up_at=t(10, day=DAY + dt.timedelta(days=1)))
    Payment.objects.create(
        work_order=order,
        outlet=network.a1,
        receipt_number="R1",
        amount=Decimal("120.00"),
        method="cash",
        received_by=fd,
    )
    Payment.objects.update(received_at=t(10, day=DAY + dt.timedelta(days=1)))
    two_days = scope([network.a1], last=DAY + dt.timedelta(days=1))
    money = selectors.turnaround(two_days).total
    assert (money["picked_up"], money["ready_hours"], money["pickup_hours"]) == (1, 6.0, 20.0)
    assert money["revenue"] == Decimal("120.00")

    category = ProductCategory.objects.get(code="air_conditioner")
    for n, (status, due) in enumerate(
        [("out", DAY - dt.timedelta(days=1)), ("out", DAY + dt.timedelta(days=9)), ("available", None)]
    ):
        LoanerUnit.objects.create(
            outlet=network.a1,
            serial=f"L{n}",
            description="备用机",
            category=category,
            status=status,
            work_order=order if status == "out" else None,
            lent_at=t(9) if status == "out" else None,
            due_back=due,
        )
    with time_machine.travel(t(12), tick=False):
        loans = selectors.loaners(scope([network.a1])).total
    assert (loans["units"], loans["out"], loans["overdue"]) == (3, 2, 1)


def test_an_empty_period_and_an_outlet_without_data(network):
    walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    for compute in selectors.SECTIONS.values():
        section = compute(scope([network.a2], first=dt.date(2020, 1, 1), last=dt.date(2020, 1, 31)))
        assert section.rows == [] and section.total is None
        assert all(f.value in (None, 0) for f in section.figures)


def test_days_are_counted_in_shanghai_time(network):
    fd = network.staff[Role.FRONT_DESK]
    before, first, last, after = (walk_in_order(fd, network.a1) for _ in range(4))
    received(before, t(23, 59, day=DAY - dt.timedelta(days=1)))  # 15:59 UTC on the 14th
    received(first, t(0, 0))
    received(last, t(23, 59))
    received(after, t(0, 0, day=DAY + dt.timedelta(days=1)))
    assert selectors.fixed_on_arrival(scope([network.a1])).total["orders"] == 2


def test_the_category_filter(network):
    fd = network.staff[Role.FRONT_DESK]
    phone = walk_in_order(fd, network.a1)
    received(phone, t(10))
    category = phone.product.category_id
    other = ProductCategory.objects.exclude(pk=category).first().pk
    assert selectors.fixed_on_arrival(scope([network.a1], category=category)).total["orders"] == 1
    assert selectors.fixed_on_arrival(scope([network.a1], category=other)).total is None


def test_engineer_and_clerk_scorecards(network):
    hl, fd = network.staff[Role.HOTLINE], network.staff[Role.FRONT_DESK]
    liu, chen = engineer(network.a1, username="liu"), engineer(network.a1, username="chen")
    first, second, third = (onsite_order(hl, network.a1) for _ in range(3))
    for order in (first, second, third):
        received(order, t(8))
    ok = visit(first, liu, t(9), arrived_at=t(9, 5), status="done")
    visit(second, liu, t(12), arrived_at=t(14, 30), late_minutes=30, status="done")
    visit(third, chen, t(12), status="no_show")
    for hour in (10, 11):  # two reschedules of one appointment: it still counts as one visit
        AppointmentChange.objects.create(
            appointment=ok,
            kind="reschedule",
            from_engineer=liu,
            to_engineer=liu,
            from_starts_at=t(hour),
            from_ends_at=t(hour + 1),
            to_starts_at=t(9),
            to_ends_at=t(11),
            reason="客户要求",
            customer_agreed=True,
            actor=hl,
        )
    VisitReport.objects.create(
        appointment=ok, rating_quality=5, rating_attitude=4, signature="data:x", signed_off_at=t(11), updated_by=liu
    )
    Feedback.objects.create(
        outlet=network.a1, type="praise", channel="callback", text="好", praised_staff=liu, created_by=hl
    )
    Feedback.objects.update(created_at=t(12))
    walk_in = walk_in_order(fd, network.a1)
    received(walk_in, t(10))

    cards = {row["person"]: row for row in selectors.engineers(scope([network.a1])).rows}
    assert set(cards) == {str(liu), str(chen)}
    assert (cards[str(liu)]["visits"], cards[str(liu)]["on_time_pct"], cards[str(liu)]["reschedules"]) == (2, 50.0, 2)
    assert (cards[str(liu)]["quality"], cards[str(liu)]["attitude"], cards[str(liu)]["praise"]) == (5.0, 4.0, 1)
    assert (cards[str(chen)]["visits"], cards[str(chen)]["no_show"]) == (0, 1)

    clerks = {row["person"]: row for row in selectors.clerks(scope([network.a1])).rows}
    assert clerks[str(hl)]["orders"] == 3 and clerks[str(fd)]["orders"] == 1
