"""Callbacks: made in the transaction of the event that calls for them, queued by the sweep when
due, claimed by one clerk at a time, closed with an outcome."""

import calendar
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import reference
from core.errors import ConflictError
from core.models import User
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope, visible_outlets
from followups import rules
from followups.lifecycle import CALLBACK
from followups.models import DEFAULT_WINDOWS, Callback, CallbackAttempt, CallbackPlan, CallingWindow
from followups.selectors import OVERDUE_AFTER
from followups.signals import callback_completed
from workorders.lifecycle import TRANSITIONS, Status
from workorders.models import Product, WorkOrder
from workorders.services import work_order_transition

CLAIM_FOR = timedelta(minutes=15)  # a claimed callback returns to the queue if nothing is recorded by then
# A sweep that queues this many analyzes the table itself: PostgreSQL's autoanalyze waits for a tenth of
# it to change (250,000 rows at three million), and until then the planner counts the queue as it was
# and reads an outlet's queue through the network-wide index: 30 -> 70 ms a page (BENCHMARKS.md, case 5).
REANALYZE_AFTER = 10_000
PURCHASE_WINDOW_DAYS = 21  # the last purchase callback


def calling_windows() -> list:
    return reference.remembered("calling-windows", _calling_windows)


def _calling_windows() -> list:
    return [(w.starts, w.ends) for w in CallingWindow.objects.all()] or DEFAULT_WINDOWS


def _enabled_plans(trigger: str) -> list[CallbackPlan]:
    plans = reference.remembered("callback-plans", lambda: list(CallbackPlan.objects.filter(enabled=True)))
    return [plan for plan in plans if plan.trigger == trigger]


def callbacks_schedule(
    *,
    trigger: str,
    customer,
    outlet,
    source: str,
    at: datetime | None = None,
    purchase_date: date | None = None,
    product=None,
    work_order=None,
) -> int:
    """Create the callbacks every enabled plan of `trigger` asks for, in the caller's transaction.

    `source` names the event (e.g. "event:123", "product:45"): with the plan it makes the
    idempotency key, so announcing one event twice creates nothing twice.
    """
    tz = timezone.get_default_timezone()
    windows = calling_windows()
    now = timezone.now()
    rows = []
    for plan in _enabled_plans(trigger):
        deadline = None
        if trigger == CallbackPlan.Trigger.PURCHASE:
            due = rules.due_after_purchase(purchase_date, offset_minutes=plan.offset_minutes, windows=windows, tz=tz)
            if due < now:
                continue  # registered too late for "N days after purchase"
        else:
            due, deadline = rules.due_within(
                at or now,
                settle_minutes=plan.offset_minutes,
                deadline_minutes=plan.deadline_minutes,
                windows=windows,
                tz=tz,
            )
        rows.append(
            Callback(
                plan=plan,
                outlet=outlet,
                customer=customer,
                product=product,
                work_order=work_order,
                due_at=due,
                first_due_at=due,
                deadline_at=deadline,
                idempotency_key=f"{plan.code}:{source}",
            )
        )
    existing = Callback.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]).count()
    Callback.objects.bulk_create(rows, ignore_conflicts=True)  # the unique key drops a repeat
    return len(rows) - existing


# --- Subscribers (connected in followups.apps) --------------------------------------------------

TRANSITION_TRIGGERS = {
    "hand_back": CallbackPlan.Trigger.SERVICE_COMPLETED,
    # A 三包 exchange or return completes the service too: the 72-hour callback asks how it went.
    "exchange": CallbackPlan.Trigger.SERVICE_COMPLETED,
    "return": CallbackPlan.Trigger.SERVICE_COMPLETED,
    "resolve_by_phone": CallbackPlan.Trigger.PHONE_GUIDANCE,
}


def schedule_after_transition(*, work_order, transition, event, actor, **kwargs) -> None:
    """Subscriber of `work_order_transitioned`: the 72-hour and 2-hour callbacks; a cancelled
    order's callbacks are cancelled."""
    if transition.name == "cancel":
        CALLBACK.update(Callback.objects.filter(work_order=work_order), "cancel", updated_at=timezone.now())
        return
    trigger = TRANSITION_TRIGGERS.get(transition.name)
    if trigger is None:
        return
    callbacks_schedule(
        trigger=trigger,
        customer=work_order.customer,
        outlet=work_order.outlet,
        product=work_order.product,
        work_order=work_order,
        at=event.at,
        source=f"event:{event.pk}",
    )


def schedule_after_guidance_call(*, call, actor, **kwargs) -> None:
    """Subscriber of `call_logged`: phone guidance given on a call that names no order gets its 2-hour
    callback too (with an order, the order's `resolve_by_phone` plans it)."""
    if not call.phone_guidance or call.work_order_id is not None or call.customer_id is None:
        return
    callbacks_schedule(
        trigger=CallbackPlan.Trigger.PHONE_GUIDANCE,
        customer=call.customer,
        outlet=call.outlet,
        at=call.at,
        source=f"call:{call.pk}",
    )


def schedule_after_visit(*, appointment, report, actor, **kwargs) -> None:
    """Subscriber of `visit_signed_off`: a satisfied visit that ended without a test run gets the
    2-hour callback (is the product working normally?)."""
    if not (report.no_test_run and report.satisfied):
        return
    order = appointment.work_order
    callbacks_schedule(
        trigger=CallbackPlan.Trigger.NO_TEST_RUN,
        customer=order.customer,
        outlet=appointment.outlet,
        product=order.product,
        work_order=order,
        at=report.signed_off_at,
        source=f"visit:{appointment.pk}",
    )


def schedule_after_purchase(*, product, outlet, actor, **kwargs) -> None:
    """Subscriber of `product_registered`: the 3/7/15/21-day callbacks of a recent purchase."""
    if product.purchase_date is None:
        return
    if timezone.localdate() - product.purchase_date > timedelta(days=PURCHASE_WINDOW_DAYS):
        return
    callbacks_schedule(
        trigger=CallbackPlan.Trigger.PURCHASE,
        customer=product.customer,
        outlet=outlet,
        product=product,
        purchase_date=product.purchase_date,
        source=f"product:{product.pk}",
    )


# --- The sweep ----------------------------------------------------------------------------------


def callback_sweep(*, now: datetime | None = None, batch: int = 500) -> int:
    """Move callbacks that have come due into the call queue; put back claims that ran out.

    Batches of `batch` rows, each in its own transaction with SELECT ... FOR UPDATE SKIP LOCKED:
    two sweepers never take the same rows, and a sweeper killed midway loses nothing (its batch
    rolls back and stays scheduled). Returns how many callbacks were queued.
    """
    now = now or timezone.now()
    queued = 0
    while True:
        with transaction.atomic():
            ids = list(
                Callback.objects.select_for_update(skip_locked=True)
                .filter(status=Callback.Status.SCHEDULED, due_at__lte=now)
                .order_by("due_at")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                queued += CALLBACK.update(
                    Callback.objects.filter(pk__in=ids), "come_due", queued_at=now, updated_at=now
                )
        if len(ids) < batch:
            break
    CALLBACK.update(
        Callback.objects.filter(claimed_until__lt=now), "release", claimed_by=None, claimed_until=None, updated_at=now
    )
    if queued >= REANALYZE_AFTER:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Callback._meta.db_table)}")
    _remind_outlets(now)
    return queued


def _remind_outlets(now: datetime) -> None:
    """Once a day per clerk: the outlet's callbacks overdue by more than two hours (two queries)."""
    overdue = dict(
        Callback.objects.filter(status=Callback.Status.QUEUED, due_at__lt=now - OVERDUE_AFTER)
        .order_by()
        .values_list("outlet_id")
        .annotate(n=Count("id"))
    )
    if not overdue:
        return
    today = timezone.localdate(now)
    clerks = User.objects.filter(outlets__in=list(overdue), groups__name=Role.HOTLINE, is_active=True).values_list(
        "pk", "phone", "outlets__pk", "outlets__name"
    )
    for user_id, phone, outlet_id, outlet_name in clerks:
        if outlet_id in overdue and phone:
            notification_enqueue(
                kind="callbacks_overdue",
                to=str(phone),
                context={"count": overdue[outlet_id], "outlet": outlet_name},
                key=f"overdue:{outlet_id}:{today}:{user_id}",
            )


# --- The call queue -----------------------------------------------------------------------------


def _may_call(plan: CallbackPlan, actor) -> bool:
    return actor.role in {Role(plan.caller_role), Role.HOTLINE, Role.SUPERVISOR}


@transaction.atomic
def callback_claim(*, callback: Callback, actor) -> Callback:
    """Take a due callback: it is yours for 15 minutes; a second clerk is told someone has it."""
    require_permission(actor, "followups.change_callback")
    found = Callback.objects.select_related("plan").filter(pk=callback.pk, outlet__in=visible_outlets(actor)).first()
    if found is None:
        raise PermissionDenied(_("This callback is not in your outlets."))
    if not _may_call(found.plan, actor):
        raise PermissionDenied(_("This callback is for another role."))
    now = timezone.now()
    free = Q(status=Callback.Status.QUEUED) | Q(status=Callback.Status.CLAIMED) & (
        Q(claimed_until__lt=now) | Q(claimed_by=actor)
    )
    # One conditional UPDATE: of two clerks clicking at once, exactly one changes the row.
    taken = CALLBACK.update(
        Callback.objects.filter(free, pk=found.pk),
        "claim",
        claimed_by=actor,
        claimed_until=now + CLAIM_FOR,
        updated_at=now,
    )
    if not taken:
        raise ConflictError(_("Another clerk is calling this customer, or the callback is not due."))
    found.refresh_from_db()
    return found


def callback_claim_others(*, callback: Callback, actor) -> int:
    """The customer is on the phone: take their other due callbacks too, those nobody else has.
    Each is claimed on its own (one conditional UPDATE each); returns how many were taken."""
    taken = 0
    others = (
        Callback.objects.filter(
            customer_id=callback.customer_id,
            outlet__in=visible_outlets(actor),
            status__in=[Callback.Status.QUEUED, Callback.Status.CLAIMED],
        )
        .exclude(pk=callback.pk)
        .select_related("plan")
    )
    for other in others:
        try:
            callback_claim(callback=other, actor=actor)
        except (ConflictError, PermissionDenied):
            continue  # another clerk has it, or it is for another role
        taken += 1
    return taken


REACHED = {
    Callback.Outcome.SATISFIED,
    Callback.Outcome.DISSATISFIED,
    Callback.Outcome.FAULT_BACK,
    Callback.Outcome.CONTRADICTS,
}


@transaction.atomic
def callback_record(*, callback: Callback, outcome: str, notes: str = "", actor) -> Callback:
    """The outcome of a call. Satisfied after a service closes the order; dissatisfied or the fault
    back reopens it; not reached is retried in calling hours until the plan's attempts run out;
    a customer who contradicts the engineer's record is a finding for the supervisor."""
    require_permission(actor, "followups.change_callback")
    found = (
        Callback.objects.select_for_update()
        .select_related("plan")
        .filter(pk=callback.pk, outlet__in=visible_outlets(actor))
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This callback is not in your outlets."))
    if found.status != Callback.Status.CLAIMED or found.claimed_by_id != actor.pk:
        raise ValidationError(_("Take the callback first (another clerk may have it)."))
    if outcome not in Callback.Outcome.values:
        raise ValidationError({"outcome": _("Pick the outcome of the call.")})
    if outcome in (Callback.Outcome.DISSATISFIED, Callback.Outcome.FAULT_BACK, Callback.Outcome.CONTRADICTS) and not (
        notes.strip()
    ):
        raise ValidationError({"notes": _("Write down what the customer said.")})
    now = timezone.now()
    CallbackAttempt.objects.create(callback=found, by=actor, outcome=outcome, notes=notes.strip())
    found.attempts += 1
    found.outcome, found.notes = outcome, notes.strip()
    found.claimed_by, found.claimed_until = None, None
    if outcome in REACHED:
        CALLBACK.move(found, "complete")
        found.completed_by, found.completed_at = actor, now
        found.finding = outcome == Callback.Outcome.CONTRADICTS
        if found.finding:
            _plan_remedial_callback(found, now)
        _follow_up_order(found, outcome, actor)
    elif found.attempts >= found.plan.max_attempts:
        CALLBACK.move(found, "fail")  # shown to the supervisor, never dropped
        found.completed_at = now
        _tell_customer_we_called(found)
    else:
        CALLBACK.move(found, "retry")
        found.due_at = _retry_at(found, now)
    found.save()
    if found.status == Callback.Status.DONE:
        callback_completed.send(sender=Callback, callback=found, actor=actor)
    return found


def _plan_remedial_callback(finding: Callback, now: datetime) -> None:
    """A "satisfied" the customer did not give is dealt with by a remedial callback, planned at once."""
    callbacks_schedule(
        trigger=CallbackPlan.Trigger.REMEDIAL,
        customer=finding.customer,
        outlet=finding.outlet,
        product=finding.product,
        work_order=finding.work_order,
        at=now,
        source=f"finding:{finding.pk}",
    )


RETRY_BEFORE_DEADLINE = timedelta(minutes=30)


def _retry_at(callback: Callback, now: datetime) -> datetime:
    """The plan's retry time in calling hours; sooner when that would miss the callback's deadline."""
    windows, tz = calling_windows(), timezone.get_default_timezone()
    retry = rules.next_calling_time(now + timedelta(minutes=callback.plan.retry_minutes), windows=windows, tz=tz)
    if callback.deadline_at and retry > callback.deadline_at:
        sooner = rules.next_calling_time(now + RETRY_BEFORE_DEADLINE, windows=windows, tz=tz)
        retry = min(retry, sooner)
    return retry


def _tell_customer_we_called(callback: Callback) -> None:
    if callback.outcome == Callback.Outcome.WRONG_NUMBER:
        return  # not a message for a stranger
    notification_enqueue(
        kind="callback_missed",
        to=callback.customer.message_phone(),
        context={
            "product": callback.product or "",
            "outlet_phone": callback.outlet.phone.as_national if callback.outlet.phone else "",
        },
        key=f"callback-missed:{callback.pk}",
    )


def _follow_up_order(callback: Callback, outcome: str, actor) -> None:
    if callback.work_order_id is None or callback.plan.trigger == CallbackPlan.Trigger.COMPLAINT_CONFIRMATION:
        return  # a complaint's confirmation call is for the case (complaints subscribes), not the order
    order = WorkOrder.objects.get(pk=callback.work_order_id)
    closing = (CallbackPlan.Trigger.SERVICE_COMPLETED, CallbackPlan.Trigger.PHONE_GUIDANCE)
    if (
        outcome == Callback.Outcome.SATISFIED
        and callback.plan.trigger in closing
        and order.status == Status.AWAITING_CALLBACK
    ):
        work_order_transition(work_order=order, transition="close", actor=actor)
    elif (
        outcome in (Callback.Outcome.DISSATISFIED, Callback.Outcome.FAULT_BACK)
        and callback.plan.trigger == CallbackPlan.Trigger.PHONE_GUIDANCE
        and order.status == Status.AWAITING_CALLBACK
    ):
        reason = _("Callback after phone guidance: %(outcome)s. %(notes)s") % {
            "outcome": Callback.Outcome(outcome).label,
            "notes": callback.notes,
        }
        work_order_transition(
            work_order=order, transition="guidance_failed", actor=actor, reason=reason, by_service=True
        )
    elif outcome in (Callback.Outcome.DISSATISFIED, Callback.Outcome.FAULT_BACK) and order.status in (
        Status.AWAITING_CALLBACK,
        Status.CLOSED,
    ):
        if actor.role not in TRANSITIONS["reopen"].roles:
            callback.finding = True  # an engineer's own callback: the centre reopens the order
            return
        reason = _("Callback: %(outcome)s. %(notes)s") % {
            "outcome": Callback.Outcome(outcome).label,
            "notes": callback.notes,
        }
        work_order_transition(work_order=order, transition="reopen", actor=actor, reason=reason)


def starts_a_work_order(callback: Callback, outcome: str) -> bool:
    """A purchase callback on which the customer reports a fault starts a work order (DOMAIN): the clerk
    is taken to intake, prefilled from the product."""
    return (
        outcome == Callback.Outcome.FAULT_BACK
        and callback.plan.trigger == CallbackPlan.Trigger.PURCHASE
        and callback.product_id is not None
    )


REQUESTED_TRIGGERS = (CallbackPlan.Trigger.PHONE_ADJUSTMENT, CallbackPlan.Trigger.UNCERTAIN_REPAIR)


@transaction.atomic
def callback_request(*, work_order: WorkOrder, trigger: str, actor) -> int:
    """A clerk who adjusted a product by phone (30 minutes), or an engineer unsure of a repair
    (3 hours), asks for the callback its plan sets. A double submit in the same minute makes one."""
    require_permission(actor, "followups.change_callback")
    if trigger not in REQUESTED_TRIGGERS:
        raise ValidationError({"trigger": _("Pick the kind of callback.")})
    if not in_scope(actor, work_order.outlet_id):
        raise PermissionDenied(_("This work order is not in your outlets."))
    now = timezone.now()
    return callbacks_schedule(
        trigger=trigger,
        customer=work_order.customer,
        outlet=work_order.outlet,
        product=work_order.product,
        work_order=work_order,
        at=now,
        source=f"order:{work_order.pk}:{timezone.localtime(now):%Y%m%d%H%M}",
    )


SEASON_CATCH_UP = timedelta(days=7)  # a reminder day missed while the workers were down is made up


def callbacks_seasonal(*, on: date | None = None, batch: int = 2000) -> int:
    """Seasonal care reminders: from a plan's day of the year, one callback for every product of its
    category (once a year: the key holds the year). Runs daily; idempotent; bounded memory."""
    on = on or timezone.localdate()
    tz = timezone.get_default_timezone()
    windows = calling_windows()
    made = 0
    for plan in CallbackPlan.objects.filter(trigger=CallbackPlan.Trigger.SEASONAL, enabled=True):
        last_day = calendar.monthrange(on.year, plan.season_month)[1]  # 31 April -> 30 April, 29 Feb -> 28 Feb
        day = date(on.year, plan.season_month, min(plan.season_day, last_day))
        if not (on - SEASON_CATCH_UP < day <= on):
            continue
        due = rules.next_calling_time(datetime.combine(on, datetime.min.time(), tzinfo=tz), windows=windows, tz=tz)
        products = (
            Product.objects.filter(category_id=plan.category_id)
            .order_by("pk")
            .values_list("pk", "customer_id", "customer__outlet_id")
        )
        before = Callback.objects.filter(plan=plan, due_at=due).count()
        after = 0
        while chunk := list(products.filter(pk__gt=after)[:batch]):  # pages by key: bounded memory
            Callback.objects.bulk_create(
                [
                    Callback(
                        plan=plan,
                        outlet_id=outlet_id,
                        customer_id=customer_id,
                        product_id=product_id,
                        due_at=due,
                        first_due_at=due,
                        idempotency_key=f"{plan.code}:{day.year}:product:{product_id}",
                    )
                    for product_id, customer_id, outlet_id in chunk
                ],
                ignore_conflicts=True,
            )
            after = chunk[-1][0]
        made += Callback.objects.filter(plan=plan, due_at=due).count() - before
    return made


PLAN_FIELDS = (
    "name",
    "name_en",
    "offset_minutes",
    "deadline_minutes",
    "caller_role",
    "script",
    "enabled",
    "max_attempts",
    "retry_minutes",
)


@transaction.atomic
def callback_plan_save(*, plan: CallbackPlan, actor, **fields) -> CallbackPlan:
    """An admin changes a plan (offset, who calls, script, retry policy, on or off). Callbacks already
    made keep their due times; the change applies to the next ones."""
    require_permission(actor, "followups.change_callbackplan")
    found = CallbackPlan.objects.select_for_update().get(pk=plan.pk)
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(found, name, fields[name])
    if not str(found.script).strip():
        raise ValidationError({"script": _("Write what the clerk asks.")})
    found.full_clean()
    found.save()
    return found
