"""The engineer's side."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import notification_enqueue
from core.permissions import require_permission
from core.roles import Role
from dispatch import rules
from dispatch.lifecycle import APPOINTMENT
from dispatch.models import (
    Appointment,
    LoanerUnit,
    VisitReport,
)
from dispatch.services.loaners import _locked_loaner
from workorders.models import WorkOrder
from workorders.services import (
    message_slip_take,
    work_order_add_note,
    work_order_transition,
)
from workorders.tracking import tracking_url


def _own(appointment: Appointment, actor, *, statuses) -> Appointment:
    """The engineer's own appointment, locked, in one of `statuses`."""
    require_permission(actor, "dispatch.visit_appointment")
    found = (
        Appointment.objects.select_for_update()
        .select_related("work_order")
        .filter(pk=appointment.pk, engineer=actor)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This is not one of your jobs."))
    if found.status not in statuses:
        raise ValidationError(
            _("Not possible while the appointment is “%(status)s”.")
            % {"status": Appointment.Status(found.status).label}
        )
    return found


def _save_visit(appointment: Appointment, actor, fields: list[str]) -> Appointment:
    appointment.version += 1
    appointment._history_user = actor
    appointment.save(update_fields=[*fields, "version"])
    return appointment


@transaction.atomic
def appointment_request_reassign(*, appointment: Appointment, reason: str, actor) -> Appointment:
    """An emergency on another job: the engineer asks the centre to give this one to someone else."""
    found = _own(appointment, actor, statuses=[Appointment.Status.BOOKED])
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the dispatcher why.")})
    found.reassign_requested = reason.strip()
    work_order_add_note(
        work_order=found.work_order,
        text=_("Engineer asks for reassignment: %(reason)s") % {"reason": reason},
        actor=actor,
    )
    return _save_visit(found, actor, ["reassign_requested"])


@transaction.atomic
def visit_confirm(*, appointment: Appointment, confirmation: str, note: str = "", actor) -> Appointment:
    """The call before the visit: time, address, model, purchase date and fault confirmed (or not)."""
    found = _own(appointment, actor, statuses=[Appointment.Status.BOOKED])
    if confirmation not in Appointment.Confirmation.values:
        raise ValidationError({"confirmation": _("Pick the outcome of the call.")})
    if confirmation != Appointment.Confirmation.CONFIRMED and not note.strip():
        raise ValidationError({"note": _("Write down what the customer said.")})
    found.confirmation, found.confirmation_note, found.confirmed_at = confirmation, note.strip(), timezone.now()
    if confirmation == Appointment.Confirmation.CHANGED:
        found.reassign_requested = _("Customer asked for another time: %(note)s") % {"note": note.strip()}
    return _save_visit(found, actor, ["confirmation", "confirmation_note", "confirmed_at", "reassign_requested"])


@transaction.atomic
def visit_plan(*, appointment: Appointment, travel_minutes: int, actor) -> Appointment:
    """Travel time in, departure time out: leave so as to arrive 5-10 minutes early."""
    found = _own(appointment, actor, statuses=[Appointment.Status.BOOKED])
    if not 1 <= travel_minutes <= 600:
        raise ValidationError({"travel_minutes": _("Travel time is between 1 and 600 minutes.")})
    found.travel_minutes = travel_minutes
    found.planned_departure_at = rules.planned_departure(starts_at=found.starts_at, travel_minutes=travel_minutes)
    return _save_visit(found, actor, ["travel_minutes", "planned_departure_at"])


@transaction.atomic
def visit_take_loaner(*, appointment: Appointment, loaner: LoanerUnit | None, actor) -> Appointment:
    """Before a visit that may end in a pull-back: the loaner the engineer takes along (or none)."""
    found = _own(appointment, actor, statuses=[Appointment.Status.BOOKED])
    if loaner is not None:
        unit = _locked_loaner(loaner, actor)
        if unit.status != LoanerUnit.Status.AVAILABLE or unit.outlet_id != found.outlet_id:
            raise ValidationError({"loaner": _("Loaner %(serial)s is not available.") % {"serial": unit.serial}})
        taken = Appointment.objects.filter(
            loaner=unit, status__in=[Appointment.Status.BOOKED, Appointment.Status.ON_SITE]
        ).exclude(pk=found.pk)
        if taken.exists():
            raise ValidationError(
                {"loaner": _("Another engineer is taking loaner %(serial)s.") % {"serial": unit.serial}}
            )
    found.loaner = loaner
    return _save_visit(found, actor, ["loaner"])


VISIT_EVENTS = ("departed", "arrived", "started", "finished")


@transaction.atomic
def visit_event(*, appointment: Appointment, event: str, actor) -> Appointment:
    """Departed, arrived, started, finished: each stamped now, in that order."""
    if event not in VISIT_EVENTS:
        raise ValidationError({"event": _("Unknown visit event.")})
    statuses = [Appointment.Status.BOOKED] if event == "departed" else [Appointment.Status.ON_SITE]
    found = _own(appointment, actor, statuses=statuses)
    previous = VISIT_EVENTS[VISIT_EVENTS.index(event) - 1] if event != "departed" else None
    if previous and getattr(found, f"{previous}_at") is None:
        raise ValidationError({"event": _("Record “%(previous)s” first.") % {"previous": _event_label(previous)}})
    if getattr(found, f"{event}_at") is not None:
        raise ValidationError({"event": _("Already recorded.")})
    now = timezone.now()
    setattr(found, f"{event}_at", now)
    fields = [f"{event}_at"]
    if event == "departed":
        APPOINTMENT.move(found, "depart")
        fields.append("status")
        _tell_customer_on_the_way(found, now)
    elif event == "arrived":
        found.late_minutes = rules.minutes_late(arrived_at=now, agreed_at=found.starts_at)
        fields.append("late_minutes")
    elif event == "started" and found.purpose == Appointment.Purpose.SERVICE:
        _check_may_start(found)
        work_order_transition(work_order=found.work_order, transition="start_service", actor=actor)
    return _save_visit(found, actor, fields)


def _tell_customer_on_the_way(appointment: Appointment, now) -> None:
    """The customer hears the engineer left, with the name, the badge and when to expect them (the travel
    time the engineer gave, else the agreed time)."""
    order = appointment.work_order
    eta = now + timedelta(minutes=appointment.travel_minutes) if appointment.travel_minutes else appointment.starts_at
    notification_enqueue(
        kind="engineer_on_the_way",
        to=order.customer.message_phone(),
        context={
            "engineer": appointment.engineer.name,
            "badge": appointment.engineer.badge,
            "product": order.product,
            "eta": f"{timezone.localtime(max(eta, now)):%H:%M}",
            "link": tracking_url(order.pk),
        },
        key=f"on-the-way:{appointment.pk}",
    )


def _event_label(event: str) -> str:
    return {
        "departed": _("Departed"),
        "arrived": _("Arrived"),
        "started": _("Work started"),
        "finished": _("Finished"),
    }[event]


def _check_may_start(appointment: Appointment) -> None:
    """Late arrival is apologised for first (a gift over 15 minutes is recorded if given, never
    required); charges agreed before work."""
    if appointment.late_minutes and not appointment.apology_made:
        raise ValidationError({"apology_made": _("You arrived late: record the apology first.")})
    report = VisitReport.objects.filter(appointment=appointment).first()
    order = WorkOrder.objects.get(pk=appointment.work_order_id)
    if not order.in_warranty and not (report and report.fee_consent):
        raise ValidationError(
            {"fee_consent": _("Chargeable work: show the fee schedule and record the customer's consent first.")}
        )


@transaction.atomic
def visit_phone_guidance(*, appointment: Appointment, advice: str, actor) -> Appointment:
    """The engineer's call before the visit solved it by guidance: the order waits for its 2-hour
    callback and the appointment is released with that reason (dispatch's subscriber of the transition)."""
    found = _own(appointment, actor, statuses=[Appointment.Status.BOOKED])
    if found.purpose != Appointment.Purpose.SERVICE:
        raise ValidationError(_("Only a service visit can be replaced by phone guidance."))
    if not advice.strip():
        raise ValidationError({"advice": _("Write down the guidance given.")})
    reason = _("Resolved by the engineer's phone guidance: %(advice)s") % {"advice": advice.strip()}
    work_order_transition(work_order=found.work_order, transition="resolve_by_phone", actor=actor, reason=reason)
    found.refresh_from_db()
    return found


@transaction.atomic
def visit_late_call(*, appointment: Appointment, actor) -> Appointment:
    """Running late: the engineer called the customer before the agreed time and apologised."""
    found = _own(appointment, actor, statuses=[Appointment.Status.BOOKED, Appointment.Status.ON_SITE])
    if found.arrived_at is not None:
        raise ValidationError(_("You have arrived: record the apology with the lateness instead."))
    found.late_call_at = timezone.now()
    return _save_visit(found, actor, ["late_call_at"])


@transaction.atomic
def visit_lateness(
    *,
    appointment: Appointment,
    apology_made: bool,
    gift_given: bool,
    customer_refused: bool,
    another_time: bool = False,
    note: str = "",
    actor,
) -> Appointment:
    """Record the apology (and gift). A customer in a hurry may take another time (back to dispatch);
    one who still refuses the service goes to the service manager."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    if found.arrived_at is None or not found.late_minutes:
        raise ValidationError(_("Only a late arrival needs an apology record."))
    if found.started_at is not None and (customer_refused or another_time):
        raise ValidationError(_("The work has started."))
    if customer_refused and another_time:
        raise ValidationError({"another_time": _("Either the customer takes another time or refuses the service.")})
    if (customer_refused or another_time) and not apology_made:
        raise ValidationError({"apology_made": _("Apologise first.")})
    found.apology_made, found.gift_given = apology_made, gift_given
    fields = ["apology_made", "gift_given"]
    if customer_refused or another_time:
        if not note.strip():
            raise ValidationError({"note": _("Write down what the customer said.")})
        found.outcome_note = note.strip()
        fields += ["status", "outcome_note"]
        values = {"minutes": found.late_minutes, "note": note.strip()}
        if another_time:
            reason = _("Engineer %(minutes)d min late; the customer asked for another time: %(note)s") % values
            APPOINTMENT.move(found, "put_off", reason=reason)
            work_order_transition(work_order=found.work_order, transition="revisit", actor=actor, reason=reason)
        else:
            APPOINTMENT.move(found, "refuse", reason=note)
            _refused_after_lateness(found, actor, values)
    return _save_visit(found, actor, fields)


def _refused_after_lateness(appointment: Appointment, actor, values: dict) -> None:
    """The order goes back to dispatch and the service manager visits in person (DOMAIN): the outlet's
    supervisors get it on their home page."""
    order = appointment.work_order
    reason = _("Customer refused service after a late arrival (%(minutes)d min): %(note)s") % values
    work_order_transition(work_order=order, transition="revisit", actor=actor, reason=reason)
    customer = order.customer
    message_slip_take(
        outlet=order.outlet,
        caller_name=customer.name,
        caller_phone=str(customer.phones.values_list("number", flat=True).first() or ""),
        address=order.address,
        message=_("Order %(number)s: %(reason)s") % {"number": order.number, "reason": reason},
        recipient_role=Role.SUPERVISOR,
        actor=actor,
    )


NO_SHOW_WAIT = timedelta(minutes=5)


@transaction.atomic
def visit_no_show(
    *, appointment: Appointment, note_left: bool, centre_informed: bool, note: str = "", actor
) -> Appointment:
    """Nobody home after knocking, waiting and calling: not a completed visit; back to dispatch."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    if found.arrived_at is None:
        raise ValidationError(_("Record your arrival first."))
    if found.started_at is not None:
        raise ValidationError(_("The work has started: this is not a no-show."))
    if timezone.now() - found.arrived_at < NO_SHOW_WAIT:
        raise ValidationError(_("Knock, wait and call: at least 5 minutes after arriving."))
    if not note_left or not centre_informed:
        raise ValidationError({"note_left": _("Leave a note and inform the centre first.")})
    APPOINTMENT.move(found, "no_show")
    found.outcome_note = note.strip() or _("Customer not home; note left, centre informed.")
    work_order_transition(
        work_order=found.work_order,
        transition="revisit",
        actor=actor,
        reason=_("Customer not home: %(note)s") % {"note": found.outcome_note},
    )
    return _save_visit(found, actor, ["status", "outcome_note"])
