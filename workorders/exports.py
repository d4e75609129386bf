"""Work orders as the list shows them, for export (core/exports.py): the list's filters and the user's
scope, phones masked for the roles that see them masked."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Column, Sheet, described
from core.pagination import every_row
from core.privacy import personal
from workorders import selectors
from workorders.filters import PaymentFilter, WorkOrderFilter
from workorders.models import CustomerPhone, WorkOrder

EXPORTED = [
    "number",
    "status",
    "channel",
    "service_type",
    "fault_description",
    "in_warranty",
    "quote_total",
    "created_at",
    "estimated_ready_at",
    "picked_up_at",
    "outlet__name",
    "customer__name",
    "product__brand",
    "product__model",
    "product__serial",
    "product__category__name",
    "product__category__name_en",
    "owner__name",
]


def _phone(order: WorkOrder, user) -> str:
    phones = order.customer.phones.all()  # primary first (prefetched)
    return personal(phones[0].number.as_national, user) if phones else ""


def work_orders(query, user) -> Sheet:
    filters = WorkOrderFilter(query or None, queryset=selectors.work_order_list(user=user), user=user)
    if filters.is_bound and not filters.is_valid():
        raise ValidationError(filters.errors)
    orders = filters.qs if filters.is_bound else filters.queryset
    orders = orders.order_by("-id")
    # Only the columns the file shows: a million rows spend their time turning columns into Python.
    rows = orders.only(*EXPORTED).prefetch_related(
        Prefetch("customer__phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id"))
    )
    columns = [
        Column(gettext_lazy("Number"), lambda o: o.number, width=14),
        Column(gettext_lazy("Status"), lambda o: o.get_status_display(), width=12),
        Column(gettext_lazy("Outlet"), lambda o: o.outlet.name, width=16),
        Column(gettext_lazy("Channel"), lambda o: o.get_channel_display(), width=10),
        Column(gettext_lazy("Service type"), lambda o: o.get_service_type_display(), width=10),
        Column(gettext_lazy("Customer"), lambda o: o.customer.name, width=10),
        Column(gettext_lazy("Phone"), lambda o: _phone(o, user), width=14),
        Column(gettext_lazy("Product category"), lambda o: o.product.category.label, width=10),
        Column(gettext_lazy("Product"), lambda o: str(o.product), width=18),
        Column(gettext_lazy("Serial / barcode / IMEI"), lambda o: o.product.serial, width=18),
        Column(gettext_lazy("Fault as described"), lambda o: o.fault_description, width=30),
        Column(gettext_lazy("In warranty"), lambda o: _("Yes") if o.in_warranty else _("No"), width=8),
        Column(gettext_lazy("Quote total"), lambda o: o.quote_total, kind="money", width=10),
        Column(gettext_lazy("Responsible"), lambda o: o.owner.name if o.owner else "", width=10),
        Column(gettext_lazy("Received at"), lambda o: o.created_at, kind="datetime", width=16),
        Column(gettext_lazy("Estimated ready"), lambda o: o.estimated_ready_at, kind="datetime", width=16),
        Column(gettext_lazy("Picked up at"), lambda o: o.picked_up_at, kind="datetime", width=16),
    ]
    return Sheet(
        name=_("Work orders"),
        about=[_("Work orders"), *(described(filters.form) if filters.is_bound else [])],
        columns=columns,
        rows=every_row(rows, key="id", descending=True),
        filename=f"work-orders-{timezone.localdate():%Y%m%d}",
        count=lambda bound: (orders if bound is None else orders[:bound]).count(),
    )


def payments(query, user) -> Sheet:
    """The payments page's rows (its period, outlet and method), for the day's cash count."""
    filters = PaymentFilter(query, queryset=selectors.payment_list(user=user), user=user)
    if not filters.is_valid():
        raise ValidationError(filters.errors)
    rows = filters.qs.order_by("-id")
    columns = [
        Column(gettext_lazy("Receipt number"), lambda p: p.receipt_number, width=20),
        Column(gettext_lazy("Received at"), lambda p: p.received_at, kind="datetime", width=16),
        Column(gettext_lazy("Work order"), lambda p: p.work_order.number, width=14),
        Column(gettext_lazy("Customer"), lambda p: p.work_order.customer.name, width=10),
        Column(gettext_lazy("Amount"), lambda p: p.amount, kind="money", width=12),
        Column(gettext_lazy("Payment method"), lambda p: p.get_method_display(), width=10),
        Column(gettext_lazy("Taken by"), lambda p: p.received_by.name, width=10),
        Column(gettext_lazy("Outlet"), lambda p: p.outlet.name, width=16),
    ]
    return Sheet(
        name=_("Payments"),
        about=[_("Payments"), *described(filters.form)],
        columns=columns,
        rows=every_row(rows, key="id", descending=True),
        filename=f"payments-{filters.form.cleaned_data['received_from']:%Y%m%d}",
        count=lambda bound: (rows if bound is None else rows[:bound]).count(),
    )
