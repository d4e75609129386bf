import functools
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.module_loading import import_string
from phonenumber_field.phonenumber import to_python

from core import reference
from core.filters import ChoiceLiteral, NumberLiteral
from core.scoping import scope, visible_outlets
from workorders.lifecycle import Status
from workorders.models import (
    COMPLAINT_RISK_AFTER,
    Call,
    ChargeWaiver,
    Customer,
    CustomerPhone,
    MessageSlip,
    Payment,
    Product,
    ProductCategory,
    WorkOrder,
    WorkOrderEvent,
)


def work_order_list(*, user) -> QuerySet[WorkOrder]:
    """Work orders of the user's outlets with what a list row shows, in one query, narrowed by the
    apps' visibility rules (settings.WORK_ORDER_VISIBILITY, e.g. engineers see their own jobs)."""
    queryset = scope(
        WorkOrder.objects.select_related("customer", "product", "product__category", "outlet", "owner"), user
    )
    for rule in _visibility_rules():
        queryset = rule(queryset, user)
    return queryset


@functools.cache
def _visibility_rules():
    return [import_string(path) for path in settings.WORK_ORDER_VISIBILITY]


def work_order_detail(*, user) -> QuerySet[WorkOrder]:
    """For one order's page: its customer's phones and addresses and the whole timeline."""
    return (
        work_order_list(user=user)
        .select_related("warranty_version__policy", "swap__new_product", "fee_schedule")
        .prefetch_related(
            "customer__phones",
            "customer__addresses",
            Prefetch("payments", queryset=Payment.objects.select_related("received_by")),
            Prefetch("waivers", queryset=ChargeWaiver.objects.select_related("requested_by", "decided_by")),
            timeline(),
        )
    )


def complaint_risks(*, user) -> QuerySet[WorkOrder]:
    """Open orders of the user's outlets whose unit came in before for the same fault twice or more,
    newest first (a partial index holds only these)."""
    return (
        work_order_list(user=user)
        .select_related(None)  # what a line shows (planned on every home page: no table more than it needs)
        .select_related("customer", "product__category", "outlet")
        # As literals: the partial index wo_outlet_complaint_risk names these values (core.filters.NumberLiteral).
        .filter(same_fault_orders__gte=NumberLiteral(COMPLAINT_RISK_AFTER))
        .exclude(status__in=[ChoiceLiteral(Status.CLOSED), ChoiceLiteral(Status.CANCELLED)])
        .order_by("-id")
    )


def timeline() -> Prefetch:
    """An order's events in time order, with who made each, as the list `order.timeline`."""
    return Prefetch(
        "events", queryset=WorkOrderEvent.objects.select_related("actor").order_by("at", "id"), to_attr="timeline"
    )


def customer_lookup(*, user, query: str) -> QuerySet[Customer]:
    """Find customers by phone (exact, network-wide: 全国联保), order number or serial (exact),
    or name (prefix, among customers registered at the user's outlets)."""
    query = query.strip()
    if not query:
        return Customer.objects.none()
    phone = to_python(query, region="CN")
    ids = set()
    if phone and phone.is_valid():
        ids |= set(CustomerPhone.objects.filter(number=phone).values_list("customer_id", flat=True)[:20])
    ids |= set(scope(WorkOrder.objects.filter(number=query), user).values_list("customer_id", flat=True))
    ids |= set(Product.objects.filter(serial=query).values_list("customer_id", flat=True)[:20])
    by_name = scope(Customer.objects.filter(name__startswith=query), user).values_list("id", flat=True)
    ids |= set(by_name[:20])
    return (
        Customer.objects.filter(pk__in=ids)
        .prefetch_related(
            "phones", "addresses", Prefetch("products", queryset=Product.objects.select_related("category"))
        )
        .order_by("-id")[:20]
    )


def callers_products(phone) -> QuerySet[Product]:
    """The products still with the customers who have this phone (network-wide, as phone lookup is):
    what a caller may be calling about."""
    number = to_python(phone, region="CN") if phone else None
    if not (number and number.is_valid()):
        return Product.objects.none()
    return (
        Product.objects.filter(customer__phones__number=number, taken_back_on__isnull=True)
        .select_related("category")
        .order_by("-id")
    )


def open_slips_for(*, user) -> QuerySet[MessageSlip]:
    """Open message slips for this person, or for their role at one of their outlets."""
    for_role = Q(recipient_role=user.role.value, outlet__in=visible_outlets(user)) if user.role else Q(pk__in=[])
    return (
        MessageSlip.objects.filter(Q(recipient=user) | for_role, status=MessageSlip.Status.OPEN)
        .select_related("outlet", "taken_by", "recipient")
        .order_by("id")
    )


def pending_waivers(*, user) -> QuerySet[ChargeWaiver]:
    """Waivers of the user's outlets waiting for a supervisor, oldest first."""
    return scope(
        ChargeWaiver.objects.filter(status=ChargeWaiver.Status.PENDING).select_related("work_order", "requested_by"),
        user,
    ).order_by("id")


def recent_calls(*, user) -> QuerySet[Call]:
    return scope(Call.objects.select_related("customer", "taken_by", "work_order", "outlet"), user)


def category_by_code(code: str) -> ProductCategory | None:
    """A product category with its 三包 policy (and that policy's national one), as this process keeps
    them (core.reference)."""
    return reference.remembered("product-categories", _categories_by_code).get(code)


def _categories_by_code() -> dict[str, ProductCategory]:
    return {c.code: c for c in ProductCategory.objects.select_related("warranty_policy__national")}


def payment_list(*, user) -> QuerySet[Payment]:
    """Payments taken at the user's outlets, with the order, its customer and who took it (one query)."""
    return scope(Payment.objects.select_related("work_order", "work_order__customer", "outlet", "received_by"), user)


def payment_totals(payments: QuerySet[Payment]) -> dict:
    """Count and sum per payment method and in all (one query): what the till should hold."""
    rows = list(payments.order_by().values("method").annotate(count=Count("id"), total=Sum("amount")))
    labels = dict(Payment.Method.choices)
    by_method = [{**row, "label": labels.get(row["method"], row["method"])} for row in rows]
    return {
        "by_method": sorted(by_method, key=lambda row: row["method"]),
        "count": sum(row["count"] for row in rows),
        "total": sum((row["total"] for row in rows), Decimal(0)),
    }
