"""Booking."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.scoping import visible_staff
from dispatch.lifecycle import APPOINTMENT
from dispatch.models import (
    Appointment,
    AppointmentChange,
    EngineerProfile,
    VisitReport,
)
from dispatch.services._common import LIVE, _locked_in_outlets, _when
from workorders.lifecycle import Status
from workorders.models import WorkOrder
from workorders.services import (
    work_order_add_note,
    work_order_transition,
)
from workorders.tracking import tracking_url


def _locked_order(work_order: WorkOrder, actor) -> WorkOrder:
    rows = WorkOrder.objects.select_related("outlet", "product")
    return _locked_in_outlets(rows, work_order.pk, actor, refusal=_("This work order is not in your outlets."))


def _locked_appointment(appointment: Appointment, actor) -> Appointment:
    rows = Appointment.objects.select_related("work_order", "engineer")
    return _locked_in_outlets(rows, appointment.pk, actor, refusal=_("This appointment is not in your outlets."))


def busy_windows(*, engineer_id: int, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None):
    """The engineer's live appointments overlapping a window."""
    return (
        Appointment.objects.filter(
            engineer_id=engineer_id, status__in=LIVE, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=exclude_pk)
        .select_related("work_order")
    )


def _check_engineer_free(
    *, engineer, order: WorkOrder, starts_at: datetime, ends_at: datetime, actor, exclude_pk: int | None = None
) -> None:
    """Everything that keeps a booking possible, as messages a dispatcher understands.

    The profile row is locked first, so two dispatchers booking one engineer wait for each other
    here and the second one sees the first one's appointment.
    """
    profile = EngineerProfile.objects.select_for_update().filter(user_id=engineer.pk).first()
    if profile is None or not profile.active or not engineer.is_active:
        raise ValidationError({"engineer": _("%(name)s is not an active field engineer.") % {"name": engineer}})
    if not visible_staff(actor).filter(pk=engineer.pk).exists():
        raise ValidationError({"engineer": _("%(name)s is not one of your staff.") % {"name": engineer}})
    if not engineer.outlets.filter(pk=order.outlet_id).exists():
        raise ValidationError({"engineer": _("%(name)s does not work at this order's outlet.") % {"name": engineer}})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The window must end after it starts.")})
    if ends_at <= timezone.now():
        raise ValidationError({"starts_at": _("That time has passed.")})
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date():
        raise ValidationError({"ends_at": _("An appointment starts and ends on the same day.")})
    if start.weekday() in profile.days_off:
        raise ValidationError({"starts_at": _("%(name)s is off that day.") % {"name": engineer}})
    if start.time() < profile.work_start or end.time() > profile.work_end:
        raise ValidationError(
            {
                "starts_at": _("Outside %(name)s's working hours (%(from)s–%(until)s).")
                % {"name": engineer, "from": f"{profile.work_start:%H:%M}", "until": f"{profile.work_end:%H:%M}"}
            }
        )
    clash = busy_windows(engineer_id=engineer.pk, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": _("%(name)s is already booked %(from)s–%(until)s (order %(number)s).")
                % {
                    "name": engineer,
                    "from": _when(clash.starts_at),
                    "until": f"{timezone.localtime(clash.ends_at):%H:%M}",
                    "number": clash.work_order.number,
                }
            }
        )
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    jobs = (
        Appointment.objects.filter(
            engineer_id=engineer.pk,
            status__in=LIVE,
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
        )
        .exclude(pk=exclude_pk)
        .count()
    )
    if jobs >= profile.daily_capacity:
        raise ValidationError(
            {"engineer": _("%(name)s already has %(jobs)d jobs that day.") % {"name": engineer, "jobs": jobs}}
        )


@transaction.atomic
def appointment_check(
    *, work_order: WorkOrder, engineer, starts_at: datetime, ends_at: datetime, actor, appointment=None
) -> list[str]:
    """What would stop this booking (or this change of an appointment), without saving anything:
    the board shows it before the dispatcher commits."""
    require_permission(actor, "dispatch.dispatch_appointment")
    order = _locked_order(work_order, actor)
    try:
        _check_engineer_free(
            engineer=engineer,
            order=order,
            starts_at=starts_at,
            ends_at=ends_at,
            actor=actor,
            exclude_pk=appointment.pk if appointment else None,
        )
    except ValidationError as exc:
        return exc.messages
    return []


def _saved(appointment: Appointment) -> Appointment:
    """Save; the database's own no-overlap rule (PostgreSQL) turns a lost race into a clear message."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        if "appt_engineer_no_overlap" in str(exc):
            raise ConflictError(
                _("Someone booked this engineer for an overlapping time just now; pick another time.")
            ) from None
        raise
    return appointment


def _pulled_back(order: WorkOrder) -> bool:
    return VisitReport.objects.filter(appointment__work_order=order, pulled_back=True).exists()


@transaction.atomic
def appointment_book(*, work_order: WorkOrder, engineer, starts_at: datetime, ends_at: datetime, actor) -> Appointment:
    """Book an engineer for an order waiting for dispatch (the order becomes scheduled), or for
    bringing a pulled-back product home once it is repaired."""
    require_permission(actor, "dispatch.dispatch_appointment")
    order = _locked_order(work_order, actor)
    returning = order.status == Status.REPAIRED and _pulled_back(order)
    if (
        returning
        and Appointment.objects.filter(
            work_order=order, purpose=Appointment.Purpose.RETURN, status=Appointment.Status.BOOKED
        ).exists()
    ):
        raise ValidationError(
            {"work_order": _("The return of order %(number)s is already booked.") % {"number": order.number}}
        )
    if order.status != Status.AWAITING_DISPATCH and not returning:
        raise ValidationError(
            {"work_order": _("Order %(number)s is not waiting for dispatch.") % {"number": order.number}}
        )
    _check_engineer_free(engineer=engineer, order=order, starts_at=starts_at, ends_at=ends_at, actor=actor)
    appointment = _saved(
        Appointment(
            work_order=order,
            outlet=order.outlet,
            engineer=engineer,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=Appointment.Purpose.RETURN if returning else Appointment.Purpose.SERVICE,
            booked_by=actor,
        )
    )
    window = _("%(engineer)s, %(from)s–%(until)s") % {
        "engineer": engineer,
        "from": _when(starts_at),
        "until": f"{timezone.localtime(ends_at):%H:%M}",
    }
    if returning:
        work_order_add_note(
            work_order=order, text=_("Return of the product booked: %(window)s") % {"window": window}, actor=actor
        )
    else:
        work_order_transition(work_order=order, transition="schedule", actor=actor, reason=window, by_service=True)
    _tell_customer(appointment)
    return appointment


def _tell_customer(appointment: Appointment, *, kind: str = "appointment_confirmed") -> None:
    """The customer hears the engineer and the time, with the tracking link to confirm or ask for another time
    (`appointment_changed` after each change): through the outbox."""
    order = appointment.work_order
    local_end = timezone.localtime(appointment.ends_at)
    notification_enqueue(
        kind=kind,
        to=order.customer.message_phone(),
        context={
            "engineer": appointment.engineer,
            "window": f"{_when(appointment.starts_at)}–{local_end:%H:%M}",
            "product": order.product,
            "number": order.number,
            "link": tracking_url(order.pk),
        },
        key=f"appointment:{appointment.pk}:{appointment.version}",
    )


def _save_change(appointment, *, kind, old_engineer, old_start, old_end, reason, customer_agreed, actor) -> Appointment:
    """A reschedule or reassignment saved: the appointment (a lost race refused), the change with its reason and
    the customer's consent, a note on the order, and the customer told the new engineer and time."""
    appointment.version += 1
    appointment._history_user = actor
    _saved(appointment)
    AppointmentChange.objects.create(
        appointment=appointment,
        kind=kind,
        from_engineer=old_engineer,
        to_engineer=appointment.engineer,
        from_starts_at=old_start,
        from_ends_at=old_end,
        to_starts_at=appointment.starts_at,
        to_ends_at=appointment.ends_at,
        reason=reason,
        customer_agreed=customer_agreed,
        actor=actor,
    )
    agreed = _("customer agreed") if customer_agreed else _("customer not asked or did not agree")
    label = AppointmentChange.Kind(kind).label
    work_order_add_note(
        work_order=appointment.work_order,
        text=_("%(change)s: %(engineer)s, %(from)s–%(until)s. %(reason)s (%(agreed)s)")
        % {
            "change": label,
            "engineer": appointment.engineer,
            "from": _when(appointment.starts_at),
            "until": f"{timezone.localtime(appointment.ends_at):%H:%M}",
            "reason": reason,
            "agreed": agreed,
        },
        actor=actor,
    )
    _tell_customer(appointment, kind="appointment_changed")
    return appointment


def _changeable(appointment: Appointment, actor, reason: str, expected_version: int | None) -> Appointment:
    require_permission(actor, "dispatch.dispatch_appointment")
    found = _locked_appointment(appointment, actor)
    if expected_version is not None and found.version != expected_version:
        raise ConflictError(_("Someone else changed this appointment meanwhile; reload it and try again."))
    if found.status != Appointment.Status.BOOKED:
        raise ValidationError(_("Only a booked appointment can be changed; this visit is already under way or over."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    return found


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    customer_agreed: bool,
    expected_version: int | None = None,
    actor,
) -> Appointment:
    """Move the appointment to another window (改约), keeping why and whether the customer agreed."""
    found = _changeable(appointment, actor, reason, expected_version)
    order = WorkOrder.objects.select_related("outlet").get(pk=found.work_order_id)
    _check_engineer_free(
        engineer=found.engineer, order=order, starts_at=starts_at, ends_at=ends_at, actor=actor, exclude_pk=found.pk
    )
    old_start, old_end = found.starts_at, found.ends_at
    found.starts_at, found.ends_at = starts_at, ends_at
    found.confirmation, found.confirmed_at, found.planned_departure_at = "", None, None  # confirm the new time
    return _save_change(
        found,
        kind=AppointmentChange.Kind.RESCHEDULE,
        old_engineer=found.engineer,
        old_start=old_start,
        old_end=old_end,
        reason=reason.strip(),
        customer_agreed=customer_agreed,
        actor=actor,
    )


@transaction.atomic
def appointment_reassign(
    *,
    appointment: Appointment,
    engineer,
    reason: str,
    customer_agreed: bool,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    expected_version: int | None = None,
    actor,
) -> Appointment:
    """Give the appointment to another engineer (改派), optionally at another time too."""
    found = _changeable(appointment, actor, reason, expected_version)
    if engineer.pk == found.engineer_id:
        raise ValidationError({"engineer": _("Pick a different engineer.")})
    starts_at, ends_at = starts_at or found.starts_at, ends_at or found.ends_at
    order = WorkOrder.objects.select_related("outlet").get(pk=found.work_order_id)
    _check_engineer_free(engineer=engineer, order=order, starts_at=starts_at, ends_at=ends_at, actor=actor)
    old_engineer, old_start, old_end = found.engineer, found.starts_at, found.ends_at
    found.engineer, found.starts_at, found.ends_at = engineer, starts_at, ends_at
    found.reassign_requested = ""
    found.confirmation, found.confirmed_at, found.planned_departure_at, found.travel_minutes = "", None, None, None
    return _save_change(
        found,
        kind=AppointmentChange.Kind.REASSIGN,
        old_engineer=old_engineer,
        old_start=old_start,
        old_end=old_end,
        reason=reason.strip(),
        customer_agreed=customer_agreed,
        actor=actor,
    )


@transaction.atomic
def appointment_unbook(*, appointment: Appointment, reason: str, actor) -> Appointment:
    """Take a booked appointment back: the engineer is freed and the order returns to the queue."""
    found = _changeable(appointment, actor, reason, None)
    _cancel(found, reason.strip(), actor)
    work_order_transition(
        work_order=found.work_order, transition="unschedule", actor=actor, reason=reason.strip(), by_service=True
    )
    return found


def _cancel(appointment: Appointment, reason: str, actor) -> None:
    APPOINTMENT.move(appointment, "cancel", reason=reason)
    appointment.outcome_note = reason
    appointment.version += 1
    appointment._history_user = actor
    appointment.save(update_fields=["status", "outcome_note", "version"])


def free_engineers_of_cancelled_order(*, work_order, transition, event, actor, **kwargs) -> None:
    """Subscriber of `work_order_transitioned` (dispatch.apps): an order cancelled, or resolved by phone
    guidance, frees its engineer."""
    if transition.name not in ("cancel", "resolve_by_phone"):
        return
    for appointment in Appointment.objects.select_for_update().filter(
        work_order=work_order, status=Appointment.Status.BOOKED
    ):
        _cancel(appointment, event.text, actor)
