"""Part requisitions as the parts page lists them (its status tab: "Used" is the parts used), for export
(core/exports.py), at the user's outlets."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Column, Sheet
from core.pagination import every_row
from core.scoping import scope
from dispatch.models import PartRequisition


def requisitions(query, user) -> Sheet:
    status = query.get("status") or PartRequisition.Status.REQUESTED
    if status not in PartRequisition.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    rows = (
        scope(PartRequisition.objects.select_related("part", "work_order", "outlet", "requested_by"), user)
        .filter(status=status)
        .order_by("-id")
    )
    title = f"{_('Spare parts')} · {PartRequisition.Status(status).label}"
    columns = [
        Column(gettext_lazy("Requested"), lambda r: r.requested_at, kind="datetime", width=16),
        Column(gettext_lazy("Work order"), lambda r: r.work_order.number, width=14),
        Column(gettext_lazy("Outlet"), lambda r: r.outlet.name, width=16),
        Column(gettext_lazy("Part code"), lambda r: r.part.code, width=16),
        Column(gettext_lazy("Spare part"), lambda r: r.part.label, width=20),
        Column(gettext_lazy("Quantity"), lambda r: r.quantity, kind="int", width=8),
        Column(gettext_lazy("Status"), lambda r: r.get_status_display(), width=10),
        Column(gettext_lazy("By"), lambda r: r.requested_by.name, width=10),
        Column(gettext_lazy("Issued at"), lambda r: r.issued_at, kind="datetime", width=16),
        Column(gettext_lazy("Closed at"), lambda r: r.closed_at, kind="datetime", width=16),
    ]
    return Sheet(
        name=title,
        about=[title],
        columns=columns,
        rows=every_row(rows, key="id", descending=True),
        filename=f"parts-{status}-{timezone.localdate():%Y%m%d}",
        count=lambda bound: (rows if bound is None else rows[:bound]).count(),
    )
