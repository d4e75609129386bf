"""Warranty-cost claims as the list shows them (its status and outlet filters), for export (core/exports.py)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Column, Sheet
from core.pagination import every_row
from core.scoping import visible_outlet
from settlement import selectors
from settlement.models import WarrantyClaim


def claims(query, user) -> Sheet:
    rows = selectors.claim_list(user=user).order_by("-id")
    about = [_("Warranty-cost claims")]
    status = query.get("status", "")
    if status:
        if status not in WarrantyClaim.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        rows = rows.filter(status=status)  # index claim_outlet_status / claim_status
        about.append(f"{_('Status')}: {WarrantyClaim.Status(status).label}")
    outlet_id = query.get("outlet", "")
    if outlet_id:
        outlet = visible_outlet(user, int(outlet_id)) if outlet_id.isdigit() else None
        if outlet is None:
            raise ValidationError({"outlet": _("Unknown outlet.")})
        rows = rows.filter(outlet_id=outlet.pk)
        about.append(f"{_('Outlet')}: {outlet.name}")
    columns = [
        Column(gettext_lazy("Work order"), lambda c: c.work_order.number, width=14),
        Column(gettext_lazy("Outlet"), lambda c: c.outlet.name, width=16),
        Column(gettext_lazy("Day of service"), lambda c: c.service_day, kind="date", width=12),
        Column(gettext_lazy("Order closed"), lambda c: c.closed_at, kind="datetime", width=16),
        Column(gettext_lazy("Status"), lambda c: c.get_status_display(), width=12),
        Column(gettext_lazy("Claimed"), lambda c: c.claimed, kind="money", width=12),
        Column(gettext_lazy("Approved"), lambda c: c.approved, kind="money", width=12),
        Column(gettext_lazy("Findings"), lambda c: "; ".join(text for _r, text, _c in c.finding_texts), width=48),
        Column(gettext_lazy("Decided at"), lambda c: c.decided_at, kind="datetime", width=16),
        Column(gettext_lazy("Reason or note"), lambda c: c.decision_note, width=30),
    ]
    return Sheet(
        name=_("Warranty-cost claims"),
        about=about,
        columns=columns,
        rows=every_row(rows, key="id", descending=True),
        filename=f"warranty-claims-{timezone.localdate():%Y%m%d}",
        count=lambda bound: (rows if bound is None else rows[:bound]).count(),
    )


def statement_sheet(found) -> Sheet:
    """One monthly statement as a workbook: its claims, then its deductions (negative), then the total."""
    rows = [
        {
            "kind": _("Claim"),
            "ref": c.order_number,
            "day": c.decided_at,
            "text": c.decision_note,
            "amount": c.approved,
        }
        for c in selectors.statement_claims(found)
    ] + [
        {
            "kind": d.get_rule_display(),
            "ref": d.order_number or "",
            "day": d.created_at,
            "text": d.note,
            "amount": -d.amount,
        }
        for d in selectors.statement_deductions(found)
    ]
    rows.append({"kind": _("Payable"), "ref": "", "day": None, "text": "", "amount": found.payable})
    columns = [
        Column(gettext_lazy("Item"), lambda r: r["kind"], width=24),
        Column(gettext_lazy("Work order"), lambda r: r["ref"], width=14),
        Column(gettext_lazy("Day"), lambda r: r["day"], kind="datetime", width=16),
        Column(gettext_lazy("Note"), lambda r: r["text"], width=36),
        Column(gettext_lazy("Amount"), lambda r: r["amount"], kind="money", width=14),
    ]
    return Sheet(
        name=_("Settlement statement"),
        about=[_("Settlement statement"), found.outlet.name, f"{found.month:%Y-%m}", found.get_status_display()],
        columns=columns,
        rows=iter(rows),
        filename=f"statement-{found.outlet.code}-{found.month:%Y%m}",
        count=lambda bound: len(rows),
    )
