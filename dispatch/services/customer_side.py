"""What the customer does about their appointment from the tracking page (portal): confirm it as booked, or
ask for another time, which the dispatchers see among the appointments to act on (dispatch.panels).

No staff account acts here: the order's tracking token is the customer's key (checked by the page), the
timeline says it was the customer, and the audit trail records no user. A page opened before the
appointment changed (another time, another engineer, the visit under way) applies nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ConflictError
from core.words import said
from dispatch.models import Appointment, VisitReport
from workorders import events
from workorders.models import WorkOrder


def _current(order: WorkOrder, appointment_id: int, version: int) -> Appointment:
    found = (
        Appointment.objects.select_for_update()
        .filter(pk=appointment_id, work_order=order, status=Appointment.Status.BOOKED)
        .first()
    )
    if found is None or found.version != version:
        raise ConflictError(_("The appointment has changed since this page was opened: here it is as it is now."))
    return found


def _save(found: Appointment, fields: list[str]) -> Appointment:
    found.version += 1
    found._history_user = None  # the customer: no staff account
    found.save(update_fields=[*fields, "version"])
    return found


@transaction.atomic
def appointment_confirm_by_customer(*, order: WorkOrder, appointment_id: int, version: int) -> Appointment:
    """The customer confirms the booked time: the engineer's confirmation call has its answer already."""
    found = _current(order, appointment_id, version)
    found.confirmation, found.confirmed_at = Appointment.Confirmation.CONFIRMED, timezone.now()
    found.confirmation_note = _("Confirmed by the customer on the tracking page.")
    events.order_noted(order, actor=None, text=said(gettext_noop("The customer confirmed the appointment.")))
    return _save(found, ["confirmation", "confirmed_at", "confirmation_note"])


@transaction.atomic
def appointment_move_asked_by_customer(
    *, order: WorkOrder, appointment_id: int, version: int, wish: str
) -> Appointment:
    """The customer asks for another time: the dispatchers see the request with the appointments to act on;
    the booking stays until a dispatcher moves it."""
    wish = wish.strip()
    if not wish:
        raise ValidationError({"wish": _("Say which days and times suit you.")})
    found = _current(order, appointment_id, version)
    found.confirmation = Appointment.Confirmation.CHANGED
    found.reassign_requested = _("The customer asks for another time: %(wish)s") % {"wish": wish}
    events.order_noted(
        order, actor=None, text=said(gettext_noop("The customer asked for another time: %(wish)s"), wish=wish)
    )
    return _save(found, ["confirmation", "reassign_requested"])


@transaction.atomic
def visit_rated_by_customer(
    *, order: WorkOrder, appointment_id: int, quality: int, attitude: int, comment: str = ""
) -> VisitReport:
    """The customer rates a signed-off visit that has no rating yet, from the tracking page: the same
    fields the engineer records at sign-off, so the same KPIs count it. A rating is never changed."""
    report = (
        VisitReport.objects.select_for_update()
        .filter(appointment_id=appointment_id, appointment__work_order=order, signed_off_at__isnull=False)
        .first()
    )
    if report is None or report.rating_quality is not None:
        raise ConflictError(_("This visit has been rated already, or it is not signed off yet."))
    if not (1 <= quality <= 5 and 1 <= attitude <= 5):
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    report.rating_quality, report.rating_attitude = quality, attitude
    report.comment = report.comment or comment.strip()[:500]
    report._history_user = None  # the customer: no staff account
    report.save(update_fields=["rating_quality", "rating_attitude", "comment"])
    events.order_noted(
        order,
        actor=None,
        text=said(
            gettext_noop("The customer rated the visit: quality %(quality)s, attitude %(attitude)s of 5."),
            quality=quality,
            attitude=attitude,
        ),
    )
    return report
