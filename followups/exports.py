"""The call queue as the page shows it (the due queue, or the "upcoming" tab), for export
(core/exports.py): the user's outlets, phones masked for the roles that see them masked."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Column, Sheet
from core.pagination import every_row
from core.privacy import personal
from followups import selectors
from followups.models import Callback
from workorders.models import CustomerPhone


def _phone(callback: Callback, user) -> str:
    phones = callback.customer.phones.all()  # primary first (prefetched)
    return personal(phones[0].number.as_national, user) if phones else ""


def callbacks(query, user) -> Sheet:
    upcoming = query.get("tab") == "upcoming"
    rows = (selectors.upcoming if upcoming else selectors.call_queue)(user=user).prefetch_related(
        Prefetch("customer__phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id"))
    )
    title = _("Upcoming callbacks") if upcoming else _("Call queue")
    columns = [
        Column(gettext_lazy("Due"), lambda c: c.due_at, kind="datetime", width=16),
        Column(gettext_lazy("To be made by"), lambda c: c.deadline_at, kind="datetime", width=16),
        Column(gettext_lazy("Callback plan"), lambda c: c.plan.label, width=18),
        Column(gettext_lazy("Status"), lambda c: c.get_status_display(), width=10),
        Column(gettext_lazy("Attempts"), lambda c: c.attempts, kind="int", width=8),
        Column(gettext_lazy("Customer"), lambda c: c.customer.name, width=10),
        Column(gettext_lazy("Phone"), lambda c: _phone(c, user), width=14),
        Column(
            gettext_lazy("Product"), lambda c: f"{c.product.category.label} {c.product}" if c.product else "", width=20
        ),
        Column(gettext_lazy("Work order"), lambda c: c.work_order.number if c.work_order else "", width=14),
        Column(gettext_lazy("Outlet"), lambda c: c.outlet.name, width=16),
        Column(gettext_lazy("Being called by"), lambda c: c.claimed_by.name if c.claimed_by else "", width=10),
    ]
    return Sheet(
        name=title,
        about=[title],
        columns=columns,
        rows=every_row(rows, key=("due_at", "id")),
        filename=f"callbacks-{timezone.localdate():%Y%m%d}",
        count=lambda bound: (rows if bound is None else rows[:bound]).count(),
    )
