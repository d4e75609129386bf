"""Every change to engineers, appointments and visits goes through these functions."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope, visible_outlets, visible_staff
from dispatch import rules
from dispatch.models import (
    CHECKLIST,
    Appointment,
    AppointmentChange,
    EngineerProfile,
    LoanerUnit,
    Part,
    PartRequisition,
    PartStock,
    VisitReport,
)
from workorders.lifecycle import OPEN_STATUSES, Status
from workorders.models import Payment, ProductCategory, WorkOrder
from workorders.services import (
    message_slip_take,
    payment_take,
    work_order_add_note,
    work_order_price_on_site,
    work_order_reassess_warranty,
    work_order_record_repair,
    work_order_transition,
)

LIVE = Appointment.LIVE


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i")


# --- Engineers --------------------------------------------------------------------------------


@transaction.atomic
def engineer_profile_save(
    *,
    engineer,
    skills: list[ProductCategory],
    service_types: list[str],
    work_start,
    work_end,
    days_off: list[int],
    daily_capacity: int,
    base_area: str = "",
    active: bool = True,
    actor,
) -> EngineerProfile:
    """Create or update an engineer's profile (skills, hours, days off, capacity)."""
    require_permission(actor, "dispatch.change_engineerprofile")
    if not visible_staff(actor).filter(pk=engineer.pk).exists():
        raise PermissionDenied(_("This engineer is not one of your staff."))
    if engineer.role != Role.ENGINEER:
        raise ValidationError({"engineer": _("Only field engineers have an engineer profile.")})
    errors = {}
    if work_start >= work_end:
        errors["work_end"] = _("The working day must end after it starts.")
    if any(day not in range(7) for day in days_off):
        errors["days_off"] = _("Days off are weekdays, Monday to Sunday.")
    if daily_capacity < 1:
        errors["daily_capacity"] = _("At least one job a day.")
    bad_types = set(service_types) - set(WorkOrder.ServiceType.values)
    if bad_types:
        errors["service_types"] = _("Unknown service type.")
    if errors:
        raise ValidationError(errors)
    profile, _created = EngineerProfile.objects.select_for_update().get_or_create(
        user=engineer, defaults={"work_start": work_start, "work_end": work_end}
    )
    profile.service_types = sorted(set(service_types))
    profile.work_start, profile.work_end = work_start, work_end
    profile.days_off = sorted(set(days_off))
    profile.daily_capacity, profile.base_area, profile.active = daily_capacity, base_area.strip(), active
    profile._history_user = actor
    profile.save()
    profile.skills.set(skills)
    return profile


# --- Booking ----------------------------------------------------------------------------------


def _locked_order(work_order: WorkOrder, actor) -> WorkOrder:
    order = (
        WorkOrder.objects.select_for_update()
        .select_related("outlet", "product")
        .filter(pk=work_order.pk, outlet__in=visible_outlets(actor))
        .first()
    )
    if order is None:
        raise PermissionDenied(_("This work order is not in your outlets."))
    return order


def _locked_appointment(appointment: Appointment, actor) -> Appointment:
    found = (
        Appointment.objects.select_for_update()
        .select_related("work_order", "engineer")
        .filter(pk=appointment.pk, outlet__in=visible_outlets(actor))
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This appointment is not in your outlets."))
    return found


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


def _tell_customer(appointment: Appointment) -> None:
    """The customer hears the engineer and the time (again after each change): through the outbox."""
    order = appointment.work_order
    phone = order.customer.phones.order_by("-is_primary", "id").first()
    if phone is None:
        return
    local_end = timezone.localtime(appointment.ends_at)
    notification_enqueue(
        kind="appointment_confirmed",
        to=str(phone.number),
        context={
            "engineer": appointment.engineer,
            "window": f"{_when(appointment.starts_at)}–{local_end:%H:%M}",
            "product": order.product,
            "number": order.number,
        },
        key=f"appointment:{appointment.pk}:{appointment.version}",
    )


def _record_change(appointment, *, kind, old_engineer, old_start, old_end, reason, customer_agreed, actor):
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
    found.version += 1
    found._history_user = actor
    _saved(found)
    _record_change(
        found,
        kind=AppointmentChange.Kind.RESCHEDULE,
        old_engineer=found.engineer,
        old_start=old_start,
        old_end=old_end,
        reason=reason.strip(),
        customer_agreed=customer_agreed,
        actor=actor,
    )
    _tell_customer(found)
    return found


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
    found.version += 1
    found._history_user = actor
    _saved(found)
    _record_change(
        found,
        kind=AppointmentChange.Kind.REASSIGN,
        old_engineer=old_engineer,
        old_start=old_start,
        old_end=old_end,
        reason=reason.strip(),
        customer_agreed=customer_agreed,
        actor=actor,
    )
    _tell_customer(found)
    return found


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
    appointment.status, appointment.outcome_note = Appointment.Status.CANCELLED, reason
    appointment.version += 1
    appointment._history_user = actor
    appointment.save(update_fields=["status", "outcome_note", "version"])


def free_engineers_of_cancelled_order(*, work_order, transition, event, actor, **kwargs) -> None:
    """Subscriber of `work_order_transitioned` (dispatch.apps): a cancelled order frees its engineer."""
    if transition.name != "cancel":
        return
    for appointment in Appointment.objects.select_for_update().filter(
        work_order=work_order, status=Appointment.Status.BOOKED
    ):
        _cancel(appointment, event.text, actor)


# --- The engineer's side ----------------------------------------------------------------------


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
        found.status = Appointment.Status.ON_SITE
        fields.append("status")
    elif event == "arrived":
        found.late_minutes = rules.minutes_late(arrived_at=now, window_ends_at=found.ends_at)
        fields.append("late_minutes")
    elif event == "started" and found.purpose == Appointment.Purpose.SERVICE:
        _check_may_start(found)
        work_order_transition(work_order=found.work_order, transition="start_service", actor=actor)
    return _save_visit(found, actor, fields)


def _event_label(event: str) -> str:
    return {
        "departed": _("Departed"),
        "arrived": _("Arrived"),
        "started": _("Work started"),
        "finished": _("Finished"),
    }[event]


def _check_may_start(appointment: Appointment) -> None:
    """Late arrival is apologised for (and over 15 minutes, a small gift); charges agreed before work."""
    if appointment.late_minutes and not appointment.apology_made:
        raise ValidationError({"apology_made": _("You arrived late: record the apology first.")})
    if appointment.late_minutes > rules.LATE_APOLOGY_AND_GIFT and not appointment.gift_given:
        raise ValidationError({"gift_given": _("Over 15 minutes late: an apology and a small gift are due.")})
    report = VisitReport.objects.filter(appointment=appointment).first()
    order = WorkOrder.objects.get(pk=appointment.work_order_id)
    if not order.in_warranty and not (report and report.fee_consent):
        raise ValidationError(
            {"fee_consent": _("Chargeable work: show the fee schedule and record the customer's consent first.")}
        )


@transaction.atomic
def visit_lateness(
    *, appointment: Appointment, apology_made: bool, gift_given: bool, customer_refused: bool, note: str = "", actor
) -> Appointment:
    """Record the apology (and gift); a customer who still refuses goes to the service manager."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    if found.arrived_at is None or not found.late_minutes:
        raise ValidationError(_("Only a late arrival needs an apology record."))
    found.apology_made, found.gift_given = apology_made, gift_given
    fields = ["apology_made", "gift_given"]
    if customer_refused:
        if not note.strip():
            raise ValidationError({"note": _("Write down what the customer said.")})
        found.status, found.outcome_note = Appointment.Status.REFUSED, note.strip()
        fields += ["status", "outcome_note"]
        order = found.work_order
        reason = _("Customer refused service after a late arrival (%(minutes)d min): %(note)s") % {
            "minutes": found.late_minutes,
            "note": note.strip(),
        }
        work_order_transition(work_order=order, transition="revisit", actor=actor, reason=reason)
        # The service manager visits in person (DOMAIN): the outlet's supervisors get it on their home page.
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
    return _save_visit(found, actor, fields)


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
    found.status = Appointment.Status.NO_SHOW
    found.outcome_note = note.strip() or _("Customer not home; note left, centre informed.")
    work_order_transition(
        work_order=found.work_order,
        transition="revisit",
        actor=actor,
        reason=_("Customer not home: %(note)s") % {"note": found.outcome_note},
    )
    return _save_visit(found, actor, ["status", "outcome_note"])


# --- Visit report and sign-off ----------------------------------------------------------------


@transaction.atomic
def visit_report_save(
    *,
    appointment: Appointment,
    checklist: dict,
    proof: str,
    parts_complete: bool,
    tamper_note: str = "",
    tamper_acknowledged: bool = False,
    diagnosis: str = "",
    human_damage: bool = False,
    human_damage_acknowledged: bool = False,
    fee_consent: bool = False,
    parts_used: list[dict] = (),
    actions: str = "",
    test_run_result: str = "",
    actor,
) -> VisitReport:
    """What was found and done. Human damage takes the job out of free service; chargeable work
    is priced from the fee schedule in force (with the on-site visit) for the customer to agree."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    if found.arrived_at is None:
        raise ValidationError(_("Record your arrival first."))
    errors = {}
    if set(checklist) - set(CHECKLIST):
        errors["checklist"] = _("Unknown checklist item.")
    if proof and proof not in VisitReport.Proof.values:
        errors["proof"] = _("Say whether the proof of purchase was seen or the barcode used.")
    if not parts_complete and not (tamper_note.strip() and tamper_acknowledged):
        errors["tamper_note"] = _("Note what is missing or tampered with, and have the customer acknowledge it.")
    if human_damage and not human_damage_acknowledged:
        errors["human_damage_acknowledged"] = _("The customer must acknowledge the damage found.")
    parts = [{"code": str(p["code"]).strip(), "quantity": int(p.get("quantity") or 1)} for p in parts_used]
    if any(not p["code"] or p["quantity"] < 1 for p in parts):
        errors["parts_used"] = _("Each part needs a code and a quantity of at least 1.")
    if errors:
        raise ValidationError(errors)
    report = VisitReport.objects.filter(appointment=found).first() or VisitReport(appointment=found, updated_by=actor)
    if report.signed_off_at is not None:
        raise ValidationError(_("The customer has signed off; the report can no longer change."))
    order = found.work_order
    if human_damage != report.human_damage:
        order = work_order_reassess_warranty(work_order=order, human_damage=human_damage, actor=actor)
    if not order.in_warranty:
        priced = [(p["code"], p["quantity"]) for p in parts]
        order = work_order_price_on_site(work_order=order, parts=priced, approved=fee_consent, actor=actor)
    report.checklist = {code: bool(checklist.get(code)) for code in CHECKLIST}
    report.proof, report.parts_complete = proof, parts_complete
    report.tamper_note, report.tamper_acknowledged = tamper_note.strip(), tamper_acknowledged
    report.diagnosis, report.human_damage = diagnosis.strip(), human_damage
    report.human_damage_acknowledged, report.fee_consent = human_damage_acknowledged, fee_consent
    report.parts_used, report.actions, report.test_run_result = parts, actions.strip(), test_run_result.strip()
    report.updated_by = actor
    report._history_user = actor
    report.save()
    return report


SIGNATURE_PREFIX = "data:image/png;base64,"


@transaction.atomic
def visit_sign_off(
    *,
    appointment: Appointment,
    satisfied: bool,
    rating_quality: int | None = None,
    rating_attitude: int | None = None,
    comment: str = "",
    signature: str = "",
    signature_refused_reason: str = "",
    payment_method: str = "",
    bill_later: bool = False,
    actor,
) -> VisitReport:
    """The customer sees the service record, rates it and signs (or refuses, with the reason).
    Satisfied: the order is handed back and waits for its callback. Not satisfied: another visit."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    report = VisitReport.objects.select_for_update().filter(appointment=found).first()
    returning = found.purpose == Appointment.Purpose.RETURN
    if found.finished_at is None:
        raise ValidationError(_("Record that the work is finished first."))
    if returning and report is None:
        report = VisitReport(appointment=found, updated_by=actor)
    if report is None or not (report.diagnosis or returning):
        raise ValidationError({"diagnosis": _("Write the diagnosis in the visit report first.")})
    order = WorkOrder.objects.get(pk=found.work_order_id)
    errors = {}
    if signature_refused_reason.strip():
        signature = ""
    elif not signature.startswith(SIGNATURE_PREFIX):
        errors["signature"] = _("The customer signs on the screen (or record why they did not).")
    elif len(signature) > 200_000:
        errors["signature"] = _("The signature image is too large.")
    for field, value in (("rating_quality", rating_quality), ("rating_attitude", rating_attitude)):
        if value is not None and not 1 <= value <= 5:
            errors[field] = _("Rate from 1 to 5.")
    due = order.amount_due if satisfied else 0
    if due > 0 and not bill_later and payment_method not in Payment.Method.values:
        errors["payment_method"] = _("Take the payment of ¥%(amount)s or bill it later.") % {"amount": due}
    if errors:
        raise ValidationError(errors)
    if due > 0 and not bill_later:
        payment_take(work_order=order, amount=due, method=payment_method, actor=actor)
    report.rating_quality, report.rating_attitude, report.comment = rating_quality, rating_attitude, comment.strip()
    report.signature, report.signature_refused_reason = signature, signature_refused_reason.strip()
    report.satisfied, report.billed_later, report.signed_off_at = satisfied, bill_later and due > 0, timezone.now()
    report.updated_by = actor
    report._history_user = actor
    report.save()
    if not returning:
        parts = ", ".join(f"{p['code']} ×{p['quantity']}" for p in report.parts_used)
        work_order_record_repair(
            work_order=order,
            fault_confirmed=report.diagnosis,
            cause=order.cause,
            actions_taken=report.actions,
            parts_replaced=parts,
            actor=actor,
        )
    if returning:
        for loaner in LoanerUnit.objects.filter(work_order=order, status=LoanerUnit.Status.OUT):
            loaner_return(loaner=loaner, actor=actor)  # swapped back when the product comes home
    if satisfied:
        if not returning:
            work_order_transition(work_order=order, transition="finish_repair", actor=actor)
        work_order_transition(work_order=order, transition="hand_back", actor=actor)
    else:
        work_order_transition(
            work_order=order,
            transition="revisit",
            actor=actor,
            reason=_("Customer not satisfied at sign-off: %(comment)s") % {"comment": comment.strip() or "-"},
        )
    found.status = Appointment.Status.DONE
    _save_visit(found, actor, ["status"])
    return report


@transaction.atomic
def visit_pull_back(
    *,
    appointment: Appointment,
    condition: str,
    accessories: str,
    signature: str,
    return_date,
    loaner: LoanerUnit | None = None,
    actor,
) -> VisitReport:
    """拉修: the product cannot be fixed in the home. It goes to the bench with a receipt the customer
    signs (condition and accessories listed); a loaner may stay; the return is another appointment."""
    found = _own(appointment, actor, statuses=[Appointment.Status.ON_SITE])
    report = VisitReport.objects.select_for_update().filter(appointment=found).first()
    if found.arrived_at is None:
        raise ValidationError(_("Record your arrival first."))
    if found.purpose != Appointment.Purpose.SERVICE:
        raise ValidationError(_("Only a service visit can take the product away."))
    if report is None or not report.diagnosis:
        raise ValidationError({"diagnosis": _("Write the diagnosis in the visit report first.")})
    errors = {}
    if not condition.strip():
        errors["condition"] = _("Describe the product's condition as taken.")
    if not signature.startswith(SIGNATURE_PREFIX) or len(signature) > 200_000:
        errors["signature"] = _("The customer signs the receipt on the screen.")
    if return_date is None or return_date < timezone.localdate():
        errors["return_date"] = _("Agree a return date from today on.")
    if errors:
        raise ValidationError(errors)
    order = WorkOrder.objects.get(pk=found.work_order_id)
    if order.status == Status.SCHEDULED:
        work_order_transition(work_order=order, transition="start_service", actor=actor)  # on the bench now
    if loaner is not None:
        loaner_lend(loaner=loaner, work_order=order, due_back=return_date, actor=actor)
    report.pulled_back, report.loaner = True, loaner
    report.pull_back_condition, report.pull_back_accessories = condition.strip(), accessories.strip()
    report.pull_back_return_date, report.pull_back_signature = return_date, signature
    report.updated_by = actor
    report._history_user = actor
    report.save()
    found.finished_at = found.finished_at or timezone.now()
    found.status = Appointment.Status.DONE
    found.outcome_note = _("Taken back for repair; return agreed for %(day)s.") % {"day": return_date}
    text = found.outcome_note
    if loaner is not None:
        text = _("%(text)s Loaner %(serial)s left with the customer.") % {"text": text, "serial": loaner.serial}
    work_order_add_note(work_order=order, text=text, actor=actor)
    _save_visit(found, actor, ["status", "finished_at", "outcome_note"])
    return report


# --- Parts: requisitions against the outlet's stock (备件申领) -----------------------------------


def _engineer_of(order: WorkOrder, actor) -> None:
    """Engineers ask for parts only for jobs booked with them."""
    if actor.role == Role.ENGINEER and not Appointment.objects.filter(work_order=order, engineer=actor).exists():
        raise PermissionDenied(_("This is not one of your jobs."))


@transaction.atomic
def part_requisition_request(
    *, work_order: WorkOrder, part: Part, quantity: int, note: str = "", actor
) -> PartRequisition:
    """Ask for parts for a job before the visit (or for the bench)."""
    require_permission(actor, "dispatch.add_partrequisition")
    order = _locked_order(work_order, actor)
    _engineer_of(order, actor)
    if order.status not in OPEN_STATUSES:
        raise ValidationError(_("The order is closed."))
    if not part.active:
        raise ValidationError({"part": _("This part is no longer in the catalogue.")})
    if quantity < 1:
        raise ValidationError({"quantity": _("At least 1.")})
    requisition = PartRequisition(
        work_order=order, outlet=order.outlet, part=part, quantity=quantity, note=note.strip(), requested_by=actor
    )
    requisition._history_user = actor
    requisition.save()
    return requisition


def _locked_requisition(requisition: PartRequisition, actor, *, status) -> PartRequisition:
    found = (
        PartRequisition.objects.select_for_update()
        .select_related("part", "work_order")
        .filter(pk=requisition.pk, outlet__in=visible_outlets(actor))
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This requisition is not in your outlets."))
    if found.status != status:
        raise ValidationError(
            _("Not possible while the requisition is “%(status)s”.")
            % {"status": PartRequisition.Status(found.status).label}
        )
    return found


def _stock(outlet_id: int, part_id: int) -> PartStock:
    PartStock.objects.get_or_create(outlet_id=outlet_id, part_id=part_id)
    return PartStock.objects.select_for_update().get(outlet_id=outlet_id, part_id=part_id)


def _close(requisition: PartRequisition, status, actor, **fields) -> PartRequisition:
    requisition.status = status
    for name, value in fields.items():
        setattr(requisition, name, value)
    requisition._history_user = actor
    requisition.save()
    return requisition


@transaction.atomic
def part_requisition_issue(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Hand the parts out from the outlet's stock; never more than there is."""
    require_permission(actor, "dispatch.issue_partrequisition")
    found = _locked_requisition(requisition, actor, status=PartRequisition.Status.REQUESTED)
    stock = _stock(found.outlet_id, found.part_id)
    if stock.quantity < found.quantity:
        raise ValidationError(
            {
                "quantity": _("Only %(left)d of %(part)s in stock at this outlet.")
                % {"left": stock.quantity, "part": found.part}
            }
        )
    stock.quantity -= found.quantity
    stock._history_user = actor
    stock.save(update_fields=["quantity"])
    return _close(found, PartRequisition.Status.ISSUED, actor, issued_by=actor, issued_at=timezone.now())


def _settle(requisition: PartRequisition, actor, *, source, target, restock: bool) -> PartRequisition:
    """Use, return or cancel: by the job's engineer or the centre; returned parts go back to stock."""
    require_permission(actor, "dispatch.change_partrequisition")
    found = _locked_requisition(requisition, actor, status=source)
    _engineer_of(found.work_order, actor)
    if restock:
        stock = _stock(found.outlet_id, found.part_id)
        stock.quantity += found.quantity
        stock._history_user = actor
        stock.save(update_fields=["quantity"])
    return _close(found, target, actor, closed_by=actor, closed_at=timezone.now())


@transaction.atomic
def part_requisition_use(*, requisition: PartRequisition, actor) -> PartRequisition:
    """The issued parts went into the product."""
    S = PartRequisition.Status
    return _settle(requisition, actor, source=S.ISSUED, target=S.USED, restock=False)


@transaction.atomic
def part_requisition_return(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Issued parts not needed go back to stock."""
    S = PartRequisition.Status
    return _settle(requisition, actor, source=S.ISSUED, target=S.RETURNED, restock=True)


@transaction.atomic
def part_requisition_cancel(*, requisition: PartRequisition, actor) -> PartRequisition:
    """Parts asked for and no longer needed, before they are issued."""
    S = PartRequisition.Status
    return _settle(requisition, actor, source=S.REQUESTED, target=S.CANCELLED, restock=False)


@transaction.atomic
def stock_receive(*, outlet, part: Part, quantity: int, actor) -> PartStock:
    """Parts delivered to an outlet (or a count corrected upwards)."""
    require_permission(actor, "dispatch.change_partstock")
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))
    if quantity < 1:
        raise ValidationError({"quantity": _("At least 1.")})
    stock = _stock(outlet.pk, part.pk)
    stock.quantity += quantity
    stock._history_user = actor
    stock.save(update_fields=["quantity"])
    return stock


# --- Loaner units (周转机) --------------------------------------------------------------------------


def _locked_loaner(loaner: LoanerUnit, actor) -> LoanerUnit:
    found = LoanerUnit.objects.select_for_update().filter(pk=loaner.pk, outlet__in=visible_outlets(actor)).first()
    if found is None:
        raise PermissionDenied(_("This loaner unit is not in your outlets."))
    return found


@transaction.atomic
def loaner_register(*, outlet, serial: str, description: str, category=None, actor) -> LoanerUnit:
    require_permission(actor, "dispatch.add_loanerunit")
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))
    loaner = LoanerUnit(outlet=outlet, serial=serial.strip(), description=description.strip(), category=category)
    loaner.full_clean()
    loaner._history_user = actor
    loaner.save()
    return loaner


@transaction.atomic
def loaner_lend(*, loaner: LoanerUnit, work_order: WorkOrder, due_back, actor) -> LoanerUnit:
    """Leave a loaner with the customer of an order until an agreed date."""
    require_permission(actor, "dispatch.change_loanerunit")
    found = _locked_loaner(loaner, actor)
    if found.status != LoanerUnit.Status.AVAILABLE:
        raise ValidationError({"loaner": _("Loaner %(serial)s is not available.") % {"serial": found.serial}})
    if found.outlet_id != work_order.outlet_id:
        raise ValidationError({"loaner": _("The loaner belongs to another outlet.")})
    if due_back is None or due_back < timezone.localdate():
        raise ValidationError({"due_back": _("Agree a return date from today on.")})
    found.status, found.work_order, found.lent_at, found.due_back = (
        LoanerUnit.Status.OUT,
        work_order,
        timezone.now(),
        due_back,
    )
    found._history_user = actor
    found.save()
    return found


@transaction.atomic
def loaner_return(*, loaner: LoanerUnit, actor) -> LoanerUnit:
    """The loaner is back at the outlet."""
    require_permission(actor, "dispatch.change_loanerunit")
    found = _locked_loaner(loaner, actor)
    if found.status != LoanerUnit.Status.OUT:
        raise ValidationError({"loaner": _("Loaner %(serial)s is not out.") % {"serial": found.serial}})
    found.status, found.work_order, found.lent_at, found.due_back = LoanerUnit.Status.AVAILABLE, None, None, None
    found._history_user = actor
    found.save()
    return found


@transaction.atomic
def loaner_set_in_repair(*, loaner: LoanerUnit, in_repair: bool, actor) -> LoanerUnit:
    """A faulty loaner goes to the bench (not lent meanwhile) and comes back available."""
    require_permission(actor, "dispatch.change_loanerunit")
    found = _locked_loaner(loaner, actor)
    wanted_from = LoanerUnit.Status.AVAILABLE if in_repair else LoanerUnit.Status.IN_REPAIR
    if found.status != wanted_from:
        raise ValidationError(
            {
                "loaner": _("Loaner %(serial)s is “%(status)s”.")
                % {"serial": found.serial, "status": found.get_status_display()}
            }
        )
    found.status = LoanerUnit.Status.IN_REPAIR if in_repair else LoanerUnit.Status.AVAILABLE
    found._history_user = actor
    found.save(update_fields=["status"])
    return found
