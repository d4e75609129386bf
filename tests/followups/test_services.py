import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from core.models import Notification
from core.roles import Role
from followups.models import Callback, CallbackPlan
from followups.services import (
    callback_claim,
    callback_record,
    callback_request,
    callback_sweep,
    callbacks_schedule,
    callbacks_seasonal,
)
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.lifecycle import Status
from workorders.services import call_log, work_order_transition

pytestmark = pytest.mark.django_db
SH = timezone.get_default_timezone()


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SH)


def _handed_back(network, when):
    """A walk-in handed back at `when` (repaired in warranty, picked up)."""
    fd = network.staff[Role.FRONT_DESK]
    with time_machine.travel(when, tick=False):
        order = walk_in_order(fd, network.a1)
        for name in ("start_service", "finish_repair", "hand_back"):
            order = work_order_transition(work_order=order, transition=name, actor=fd)
    return order


def test_handing_back_makes_the_callback_due_within_72_hours_in_calling_hours(network):
    day = dt.date(2026, 11, 23)
    order = _handed_back(network, _at(day, 20, 45))
    callback = Callback.objects.get(work_order=order)
    assert callback.plan.code == "service-72h"
    assert callback.due_at == _at(day + dt.timedelta(days=2), 9)  # a day's settling ends at night: next morning
    assert callback.deadline_at == _at(day + dt.timedelta(days=3), 20, 45)
    assert callback.status == Callback.Status.SCHEDULED and callback.outlet == network.a1


def test_a_callback_not_reached_is_retried_sooner_when_the_plan_would_miss_its_deadline(network):
    order = _handed_back(network, _at(dt.date(2026, 11, 23), 20, 45))
    callback = Callback.objects.get(work_order=order)
    clerk = network.staff[Role.HOTLINE]
    with time_machine.travel(_at(dt.date(2026, 11, 26), 19, 10), tick=False):  # 95 minutes before the deadline
        callback_sweep()
        callback_claim(callback=callback, actor=clerk)
        callback = callback_record(callback=callback, outcome="not_reached", actor=clerk)
    assert callback.due_at == _at(dt.date(2026, 11, 26), 19, 40)  # not 3 hours later, past the deadline


def test_announcing_one_event_twice_creates_one_callback(network):
    order = _handed_back(network, timezone.now())
    event = order.events.get(transition="hand_back")
    for _ in range(2):
        callbacks_schedule(
            trigger=CallbackPlan.Trigger.SERVICE_COMPLETED,
            customer=order.customer,
            outlet=order.outlet,
            work_order=order,
            at=event.at,
            source=f"event:{event.pk}",
        )
    assert Callback.objects.filter(work_order=order).count() == 1


@pytest.mark.parametrize(("days_ago", "plans"), [(1, 4), (10, 2), (30, 0)])
def test_a_recent_purchase_gets_the_3_7_15_21_day_callbacks_still_ahead(network, days_ago, plans):
    customer_with_product(
        network.staff[Role.FRONT_DESK], network.a1, purchase_date=timezone.localdate() - dt.timedelta(days=days_ago)
    )
    assert Callback.objects.filter(plan__trigger="purchase").count() == plans


def test_phone_guidance_makes_the_2_hour_callback(network):
    hl = network.staff[Role.HOTLINE]
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    call_log(
        outlet=network.a1,
        caller_phone="13812345678",
        call_type="service_request",
        summary="遥控失灵",
        phone_guidance=True,
        guidance_advice="更换遥控器电池",
        work_order=order,
        actor=hl,
    )
    assert Callback.objects.get(work_order=order).plan.code == "guidance-2h"


def _guidance_callback_answered(network, order, outcome, notes=""):
    callback = Callback.objects.get(work_order=order, plan__code="guidance-2h")
    callback_sweep(now=callback.due_at)
    hl = network.staff[Role.HOTLINE]
    callback_claim(callback=callback, actor=hl)
    callback_record(callback=callback, outcome=outcome, notes=notes, actor=hl)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(
    ("outcome", "status"), [("satisfied", Status.CLOSED), ("fault_back", Status.AWAITING_DISPATCH)]
)
def test_guidance_from_the_hotline_desk_on_an_order_waiting_for_dispatch(network, outcome, status):
    """DOMAIN: 2 hours after phone guidance, wherever it is given; a satisfied callback closes the order,
    an unsatisfied one sends it to dispatch after all."""
    from tests.dispatch.factories import onsite_order

    hl = network.staff[Role.HOTLINE]
    order = onsite_order(hl, network.a1)
    assert order.status == Status.AWAITING_DISPATCH
    call_log(
        outlet=network.a1,
        caller_phone="13812345678",
        call_type="service_request",
        summary="空调不制冷",
        phone_guidance=True,
        guidance_advice="切换到制冷模式，清洗滤网",
        work_order=order,
        actor=hl,
    )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_CALLBACK
    assert _guidance_callback_answered(network, order, outcome, notes="还是不行").status == status


def test_guidance_on_a_call_that_names_no_order_makes_one_for_the_product_it_was_about(network):
    """The 2-hour callback wherever guidance is given: a caller with one product gets an order made for
    it (closed or sent to dispatch by the callback); one with several is asked which product; one with
    none registered gets the callback without an order."""
    from workorders.services import customer_register, product_register

    hl = network.staff[Role.HOTLINE]
    customer, product = customer_with_product(hl, network.a1)

    def guided(phone="13812345678", **more):
        return call_log(
            outlet=network.a1,
            caller_phone=phone,
            call_type="consultation",
            summary="洗衣机不排水",
            phone_guidance=True,
            guidance_advice="清理排水泵过滤器",
            actor=hl,
            **more,
        )

    call = guided()
    order = call.work_order
    order.refresh_from_db()
    assert (order.product, order.channel, order.status) == (product, "hotline", Status.AWAITING_CALLBACK)
    assert Callback.objects.get(plan__code="guidance-2h").work_order == order
    washer = product_register(customer=customer, category=product.category, brand="海尔", actor=hl)
    with pytest.raises(ValidationError) as exc:  # which of the two?
        guided()
    assert "product" in exc.value.message_dict
    made = guided(product=washer).work_order
    made.refresh_from_db()
    assert (made.product, made.status) == (washer, Status.AWAITING_CALLBACK)
    _, other = customer_with_product(hl, network.a1, phones=("13900000007",))
    with pytest.raises(ValidationError) as exc:  # someone else's product
        guided(product=other)
    assert "product" in exc.value.message_dict
    newcomer = customer_register(name="王女士", phones=["13900000008"], actor=hl, outlet=network.a1)
    call = guided(phone="13900000008")
    assert call.work_order is None
    callback = Callback.objects.get(plan__code="guidance-2h", work_order=None)
    assert (callback.customer, callback.outlet) == (newcomer, network.a1)
    assert callback.due_at >= call.at + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as exc:  # a stranger: no one to call back
        guided(phone="13900000009")
    assert "number" in exc.value.message_dict


def test_an_engineer_who_solves_it_on_the_phone_releases_the_visit_and_the_2_hour_callback_follows(network):
    from dispatch.models import Appointment
    from dispatch.services import visit_phone_guidance
    from tests.dispatch.factories import booked, engineer, onsite_order

    hl, dp = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER]
    eng = engineer(network.a1)
    order = onsite_order(hl, network.a1)
    appointment = booked(order, eng, dp)
    with pytest.raises(ValidationError):
        visit_phone_guidance(appointment=appointment, advice=" ", actor=eng)
    visit_phone_guidance(appointment=appointment, advice="遥控器锁定了，教客户解锁", actor=eng)
    appointment.refresh_from_db()
    order.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert order.status == Status.AWAITING_CALLBACK
    assert "遥控器锁定了" in order.events.get(transition="resolve_by_phone").text
    assert _guidance_callback_answered(network, order, "satisfied").status == Status.CLOSED


def test_the_sweep_queues_what_is_due_once_and_returns_stale_claims(network):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback = Callback.objects.get(work_order=order)
    callback_sweep(now=callback.due_at - dt.timedelta(minutes=1))
    callback.refresh_from_db()
    assert callback.status == Callback.Status.SCHEDULED
    callback_sweep(now=callback.due_at)
    callback.refresh_from_db()
    assert callback.status == Callback.Status.QUEUED and callback.queued_at == callback.due_at
    assert callback_sweep(now=callback.due_at) == 0  # idempotent
    hl = network.staff[Role.HOTLINE]
    claimed = callback_claim(callback=callback, actor=hl)
    assert claimed.status == Callback.Status.CLAIMED
    callback_sweep(now=claimed.claimed_until + dt.timedelta(seconds=1))
    callback.refresh_from_db()
    assert callback.status == Callback.Status.QUEUED and callback.claimed_by is None


def test_a_large_sweep_brings_the_planners_statistics_up_to_date(network, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from followups import services

    _handed_back(network, timezone.now() - dt.timedelta(days=5))

    def sweep_analyzes(at) -> bool:
        with CaptureQueriesContext(connection) as ctx:
            queued = callback_sweep(now=at)
        return queued, any(q["sql"].startswith("ANALYZE") for q in ctx.captured_queries)

    monkeypatch.setattr(services, "REANALYZE_AFTER", 1)
    assert sweep_analyzes(timezone.now() - dt.timedelta(days=365)) == (0, False)  # nothing due yet: no analyze
    queued, analyzed = sweep_analyzes(timezone.now())
    assert queued >= 1 and analyzed


def _queued(network):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    return order, Callback.objects.get(work_order=order)


def test_a_second_clerk_cannot_take_a_claimed_callback(network):
    _order, callback = _queued(network)
    hl = network.staff[Role.HOTLINE]
    other = UserFactory(role=Role.HOTLINE, outlets=[network.a1])
    callback_claim(callback=callback, actor=hl)
    with pytest.raises(ConflictError):
        callback_claim(callback=callback, actor=other)
    with pytest.raises(ValidationError):
        callback_record(callback=callback, outcome="satisfied", actor=other)


def test_satisfied_closes_the_order_and_dissatisfied_reopens_it(network):
    hl = network.staff[Role.HOTLINE]
    order, callback = _queued(network)
    callback_claim(callback=callback, actor=hl)
    callback_record(callback=callback, outcome="satisfied", actor=hl)
    order.refresh_from_db()
    assert order.status == Status.CLOSED

    second, callback = _queued(network)
    callback_claim(callback=callback, actor=hl)
    with pytest.raises(ValidationError) as exc:
        callback_record(callback=callback, outcome="fault_back", actor=hl)
    assert "notes" in exc.value.message_dict
    callback_record(callback=callback, outcome="fault_back", notes="又不开机了", actor=hl)
    second.refresh_from_db()
    assert second.status == Status.RECEIVED and "又不开机了" in second.events.get(transition="reopen").text


@time_machine.travel(dt.datetime(2026, 12, 2, 10, 30, tzinfo=SH), tick=False)  # the retry time depends on the hour
def test_not_reached_is_retried_in_calling_hours_then_fails_for_the_supervisor(network):
    hl = network.staff[Role.HOTLINE]
    _order, callback = _queued(network)
    for attempt in range(1, 4):
        callback_claim(callback=callback, actor=hl)
        callback = callback_record(callback=callback, outcome="not_reached", actor=hl)
        assert callback.attempts == attempt
        if attempt < 3:
            assert callback.status == Callback.Status.SCHEDULED
            # Its 72-hour deadline is past: half an hour later, in calling hours (not the plan's 3 hours).
            assert callback.due_at == dt.datetime(2026, 12, 2, 11, 0, tzinfo=SH)
            Callback.objects.filter(pk=callback.pk).update(status=Callback.Status.QUEUED)  # the sweep, later
    assert callback.status == Callback.Status.FAILED
    assert callback.calls.count() == 3


def test_a_contradiction_is_a_finding_with_a_remedial_callback_planned_at_once(network):
    hl = network.staff[Role.HOTLINE]
    order, callback = _queued(network)
    callback_claim(callback=callback, actor=hl)
    done = callback_record(callback=callback, outcome="contradicts", notes="客户说师傅没来过", actor=hl)
    assert done.finding and done.status == Callback.Status.DONE
    remedial = Callback.objects.get(plan__code="remedial")
    assert (remedial.work_order, remedial.customer, remedial.status) == (order, order.customer, "scheduled")
    assert remedial.due_at - timezone.now() < dt.timedelta(hours=13)  # the next calling moment


def test_cancelling_an_order_cancels_its_callbacks(network):
    fd = network.staff[Role.FRONT_DESK]
    order = walk_in_order(fd, network.a1)
    plan = CallbackPlan.objects.get(code="uncertain-3h")
    Callback.objects.create(
        plan=plan,
        outlet=order.outlet,
        customer=order.customer,
        work_order=order,
        due_at=timezone.now(),
        first_due_at=timezone.now(),
        idempotency_key="x",
    )
    work_order_transition(work_order=order, transition="cancel", actor=fd, reason="用户取消")
    assert Callback.objects.get(work_order=order).status == Callback.Status.CANCELLED


def test_a_clerk_or_engineer_asks_for_the_30_minute_or_3_hour_callback(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    client = client_for(network.staff[Role.HOTLINE])
    page = client.get(reverse("callback-new"), {"order": order.number})
    assert order.number in page.content.decode()
    unknown = client.post(reverse("callback-new"), {"number": "00000000000", "trigger": "phone_adjustment"})
    assert unknown.status_code == 200 and not Callback.objects.filter(plan__trigger="phone_adjustment").exists()
    for _ in range(2):  # a double submit
        client.post(reverse("callback-new"), {"number": order.number, "trigger": "phone_adjustment"})
    callback = Callback.objects.get(plan__trigger="phone_adjustment")
    assert callback.work_order == order and callback.due_at >= timezone.now()
    with pytest.raises(ValidationError):
        callback_request(work_order=order, trigger="purchase", actor=network.staff[Role.HOTLINE])


def test_a_sweep_that_dies_midway_loses_nothing(network, monkeypatch):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback = Callback.objects.get(work_order=order)
    original_update = Callback.objects.filter(pk=callback.pk).update.__func__

    def crash(queryset, **kwargs):
        if kwargs.get("status") == Callback.Status.QUEUED:
            raise RuntimeError("worker killed")
        return original_update(queryset, **kwargs)

    monkeypatch.setattr(type(Callback.objects.filter(pk=callback.pk)), "update", crash)
    with pytest.raises(RuntimeError):
        callback_sweep()
    monkeypatch.undo()
    callback.refresh_from_db()
    assert callback.status == Callback.Status.SCHEDULED  # the batch rolled back
    callback_sweep()
    callback.refresh_from_db()
    assert callback.status == Callback.Status.QUEUED


def test_seasonal_reminders_once_a_year_for_every_product_of_the_category(network):
    fd = network.staff[Role.FRONT_DESK]
    for phone in ("13811110001", "13811110002"):
        customer_with_product(fd, network.a1, category="air_conditioner", purchase_date=None, phones=(phone,))
    customer_with_product(fd, network.a1, category="phone", purchase_date=None, phones=("13811110003",))
    plan = CallbackPlan.objects.get(code="season-ac")  # 1 May
    assert callbacks_seasonal(on=dt.date(2027, 4, 30)) == 0
    assert callbacks_seasonal(on=dt.date(2027, 5, 1), batch=1) == 2
    assert callbacks_seasonal(on=dt.date(2027, 5, 3)) == 0  # caught up already: nothing twice
    due = Callback.objects.filter(plan=plan).values_list("due_at", flat=True).first()
    assert due == _at(dt.date(2027, 5, 1), 9)
    assert callbacks_seasonal(on=dt.date(2028, 5, 2)) == 2  # next year, a day late: made up


def test_a_failed_callback_tells_the_customer_and_overdue_queues_remind_the_clerks_once_a_day(network):
    hl = network.staff[Role.HOTLINE]
    hl.phone = "13900001111"
    hl.save(update_fields=["phone"])
    _order, callback = _queued(network)
    Callback.objects.filter(pk=callback.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))
    callback_sweep()
    callback_sweep()
    reminders = Notification.objects.filter(kind="callbacks_overdue")
    assert reminders.count() == 1 and reminders.get().to == "+8613900001111"
    for _ in range(3):
        callback_claim(callback=callback, actor=hl)
        callback_record(callback=callback, outcome="not_reached", actor=hl)
        Callback.objects.filter(pk=callback.pk, status="scheduled").update(status="queued")
    missed = Notification.objects.get(kind="callback_missed")
    assert missed.to == "+8613812345678"


def test_a_product_bought_and_registered_gets_the_whole_purchase_plan_on_its_days(network):
    bought = dt.date(2026, 1, 29)
    with time_machine.travel(_at(bought, 16), tick=False):
        customer_with_product(network.staff[Role.FRONT_DESK], network.a1, purchase_date=bought)
    due = sorted(Callback.objects.filter(plan__trigger="purchase").values_list("plan__code", "due_at"))
    assert due == [
        ("purchase-15d", _at(dt.date(2026, 2, 13), 9)),
        ("purchase-21d", _at(dt.date(2026, 2, 19), 9)),
        ("purchase-3d", _at(dt.date(2026, 2, 1), 9)),  # across the month end
        ("purchase-7d", _at(dt.date(2026, 2, 5), 9)),
    ]


def test_one_sweep_by_hand(network):
    from io import StringIO

    from django.core.management import call_command

    _handed_back(network, timezone.now() - dt.timedelta(days=5))
    out = StringIO()
    call_command("sweep_callbacks", stdout=out)
    assert "callbacks queued: 2" in out.getvalue()  # the 72-hour callback and the 21-day purchase one
    assert not Callback.objects.filter(status="scheduled", due_at__lte=timezone.now()).exists()
