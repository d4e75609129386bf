"""The centre's daily reconciliation with each outlet (DOMAIN "Callbacks": outlet clerks reconcile with
their engineers daily; the centre reconciles with each outlet daily at a fixed time)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from core.scoping import visible_outlets
from dispatch.models import Appointment
from dispatch.selectors import day_bounds
from followups.models import Callback, CallbackPlan


@dataclass
class OutletDay:
    outlet: object
    visits: int = 0  # appointments of the day that were not cancelled
    signed: int = 0  # of those, with a signed service record
    missing: int = 0  # of those, finished (their window over) without a signed record or a not-home/refusal
    callbacks_made: int = 0  # callbacks completed that day (reached, or failed after every attempt)
    findings: list = field(default_factory=list)  # callbacks that day the customer contradicted
    remedial_open: int = 0  # of the outlet's findings, those whose remedial callback is not yet made

    @property
    def open_differences(self) -> int:
        return self.missing + self.remedial_open


def outlet_reconciliation(*, user, day: date, outlet=None) -> list[OutletDay]:
    """Per outlet of the user's: the day's visits, sign-offs, callbacks made, findings and what is still
    open between the two (four grouped queries, whatever the number of outlets)."""
    start, end = day_bounds(day)
    outlets = visible_outlets(user).order_by("code")
    if outlet is not None:
        outlets = outlets.filter(pk=outlet.pk)
    rows = {o.pk: OutletDay(o) for o in outlets}
    ended = Q(ends_at__lt=timezone.now())
    signed = Q(report__signed_off_at__isnull=False)
    settled = signed | Q(status__in=[Appointment.Status.NO_SHOW, Appointment.Status.REFUSED])
    visits = (
        Appointment.objects.filter(outlet__in=list(rows), starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by()
        .values("outlet")
        .annotate(visits=Count("id"), signed=Count("id", filter=signed), missing=Count("id", filter=ended & ~settled))
    )
    for figures in visits:
        row = rows[figures.pop("outlet")]
        row.visits, row.signed, row.missing = figures["visits"], figures["signed"], figures["missing"]
    made = (
        Callback.objects.filter(outlet__in=list(rows), completed_at__gte=start, completed_at__lt=end)
        .order_by()
        .values("outlet")
        .annotate(n=Count("id"))
    )
    for figures in made:
        rows[figures["outlet"]].callbacks_made = figures["n"]
    for finding in (
        Callback.objects.filter(outlet__in=list(rows), finding=True, completed_at__gte=start, completed_at__lt=end)
        .select_related("customer", "work_order", "plan")
        .order_by("completed_at", "id")
    ):
        rows[finding.outlet_id].findings.append(finding)
    remedial_open = (
        Callback.objects.filter(
            outlet__in=list(rows),
            plan__trigger=CallbackPlan.Trigger.REMEDIAL,
            status__in=[Callback.Status.SCHEDULED, Callback.Status.QUEUED, Callback.Status.CLAIMED],
        )
        .order_by()
        .values("outlet")
        .annotate(n=Count("id"))
    )
    for figures in remedial_open:
        rows[figures["outlet"]].remedial_open = figures["n"]
    return list(rows.values())
