"""What the tracking page shows of one order: its own data and the outlet's, in plain words, nothing of
the staff's but the engineer's name and badge on the day of the visit. Four queries, whatever the order."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.models import Appointment
from workorders.lifecycle import Status
from workorders.models import WorkOrder, WorkOrderEvent

LINK_DAYS_AFTER_CLOSE = 30  # then the link shows only that the order is closed

# Each status as the customer reads it.
PLAIN_WORDS = {
    Status.RECEIVED: _("We have your request"),
    Status.AWAITING_APPROVAL: _("A quote is waiting for your approval"),
    Status.AWAITING_DISPATCH: _("We are finding an engineer for you"),
    Status.SCHEDULED: _("Visit booked"),
    Status.IN_SERVICE: _("Being repaired"),
    Status.AWAITING_PARTS: pgettext_lazy("customer page", "Waiting for parts"),
    Status.REPAIRED: _("Repaired"),
    Status.AWAITING_CALLBACK: _("Handed back to you"),
    Status.CLOSED: _("Completed"),
    Status.CANCELLED: _("Cancelled"),
}


@dataclass
class Tracking:
    order: WorkOrder
    expired: bool
    status_words: str
    timeline: list[tuple[dt.datetime, str]]
    appointment: Appointment | None
    engineer_shown: bool  # name and badge only on the day of the visit
    payments: list
    to_rate: str  # "visit" (a signed-off visit without ratings), "repair" (a walk-in handed back without), or ""

    @property
    def quote_covered(self) -> Decimal:
        """What the warranty or the outlet takes off the quote's lines: the customer sees why they pay less."""
        lines = sum((Decimal(line["amount"]) for line in self.order.quote_lines), Decimal(0))
        return max(lines - (self.order.quote_total or 0), Decimal(0))


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def tracking_for(order_id: int, *, now: dt.datetime | None = None) -> Tracking | None:
    now = now or timezone.now()
    order = WorkOrder.objects.select_related("outlet", "product__category", "customer").filter(pk=order_id).first()
    if order is None:
        return None
    changes = list(
        WorkOrderEvent.objects.filter(work_order=order, kind=WorkOrderEvent.Kind.TRANSITION)
        .exclude(to_status="")
        .order_by("at", "id")
        .values_list("at", "to_status")
    )
    ended = [at for at, status in changes if status in (Status.CLOSED, Status.CANCELLED)]
    expired = (
        order.status in (Status.CLOSED, Status.CANCELLED)
        and bool(ended)
        and (ended[-1] < now - dt.timedelta(days=LINK_DAYS_AFTER_CLOSE))
    )
    appointment = (
        Appointment.objects.filter(work_order=order)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("engineer", "report")
        .order_by("-starts_at")
        .first()
    )
    report = getattr(appointment, "report", None) if appointment else None
    if report is not None and report.signed_off_at and report.rating_quality is None:
        to_rate = "visit"
    elif order.picked_up_at and order.satisfaction_rating is None:
        to_rate = "repair"
    else:
        to_rate = ""
    today = timezone.localdate(now)
    return Tracking(
        order=order,
        expired=expired,
        status_words=PLAIN_WORDS[Status(order.status)],
        timeline=[(order.created_at, PLAIN_WORDS[Status.RECEIVED])]
        + [(at, PLAIN_WORDS[Status(status)]) for at, status in changes if status != Status.RECEIVED],
        appointment=appointment,
        engineer_shown=bool(appointment) and timezone.localdate(appointment.starts_at) == today,
        payments=list(order.payments.order_by("received_at")),
        to_rate=to_rate,
    )
