"""Complaint cases as the list shows them (its status filter), for export (core/exports.py)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import selectors
from complaints.models import ComplaintCase
from core.exports import Column, Sheet
from core.pagination import every_row


def cases(query, user) -> Sheet:
    rows = selectors.case_list(user=user).select_related("product__category").order_by("-id")
    about = [_("Complaint cases")]
    status = query.get("status", "")
    if status:
        if status not in ComplaintCase.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        rows = rows.filter(status=status)  # index case_outlet_status
        about.append(f"{_('Status')}: {ComplaintCase.Status(status).label}")
    columns = [
        Column(gettext_lazy("Case"), lambda c: f"#{c.pk}", width=8),
        Column(gettext_lazy("Opened at"), lambda c: c.opened_at, kind="datetime", width=16),
        Column(gettext_lazy("Outlet"), lambda c: c.outlet.name, width=16),
        Column(gettext_lazy("Customer"), lambda c: c.customer.name, width=10),
        Column(gettext_lazy("Work order"), lambda c: c.work_order.number if c.work_order else "", width=14),
        Column(gettext_lazy("Category"), lambda c: c.get_category_display(), width=12),
        Column(gettext_lazy("Severity"), lambda c: c.get_severity_display(), width=8),
        Column(gettext_lazy("Status"), lambda c: c.get_status_display(), width=12),
        Column(gettext_lazy("Handler"), lambda c: c.handler.name if c.handler else "", width=10),
        Column(gettext_lazy("The complaint"), lambda c: c.description, width=36),
        Column(gettext_lazy("What the customer asks for"), lambda c: c.request, width=24),
        Column(gettext_lazy("First contact"), lambda c: c.first_contact_at, kind="datetime", width=16),
        Column(gettext_lazy("Escalated at"), lambda c: c.escalated_at, kind="datetime", width=16),
        Column(gettext_lazy("Closed at"), lambda c: c.closed_at, kind="datetime", width=16),
        Column(gettext_lazy("Repairs of the same fault within warranty"), lambda c: c.repeat_repairs, kind="int"),
    ]
    return Sheet(
        name=_("Complaint cases"),
        about=about,
        columns=columns,
        rows=every_row(rows, key="id", descending=True),
        filename=f"complaint-cases-{timezone.localdate():%Y%m%d}",
        count=lambda bound: (rows if bound is None else rows[:bound]).count(),
    )
