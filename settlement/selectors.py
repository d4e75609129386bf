"""Read side of settlement: querysets already narrowed to the user's outlets and joined for their page."""

from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, QuerySet, Value
from django.db.models.functions import Cast, Concat

from complaints.models import ComplaintCase
from core.scoping import scope
from dispatch.models import Part
from settlement.models import ClaimLine, Deduction, PartShipment, ReturnTag, SettlementStatement, WarrantyClaim


def claim_list(*, user) -> QuerySet[WarrantyClaim]:
    """Claims of the user's outlets (a centre's outlets, every outlet at headquarters), for lists."""
    return scope(WarrantyClaim.objects.all(), user).select_related("outlet", "work_order")


def claim_detail(*, user) -> QuerySet[WarrantyClaim]:
    """Claims with what their page shows: lines, the order, the cited visit and callback, the decision."""
    return (
        claim_list(user=user)
        .select_related(
            "outlet__centre",
            "product__category",
            "price_list",
            "decided_by",
            "visit__engineer",
            "visit__report",
            "callback__completed_by",
            "work_order__warranty_version__policy",
        )
        .prefetch_related(Prefetch("lines", queryset=ClaimLine.objects.order_by("id")))
    )


def tags_to_ship(*, user) -> QuerySet[ReturnTag]:
    """Old parts tagged and not yet shipped in the user's outlets, the earliest ship-by day first."""
    return (
        scope(ReturnTag.objects.filter(status=ReturnTag.Status.TAGGED), user)
        .select_related("work_order", "outlet", "engineer")
        .order_by("due_on", "id")
    )


def shipment_list(*, user) -> QuerySet[PartShipment]:
    """Shipments sent by the user's outlets (a centre's: those coming to it), newest first."""
    return (
        scope(PartShipment.objects.all(), user)
        .select_related("outlet", "centre", "shipped_by")
        .annotate(parts=Count("tags"))
    )


def not_faulty_parts(*, user) -> QuerySet[ReturnTag]:
    """Parts the centre found not faulty: a finding on the engineer who replaced them."""
    return (
        scope(ReturnTag.objects.filter(status=ReturnTag.Status.NOT_FAULTY), user)
        .select_related("engineer", "work_order", "outlet")
        .order_by("-inspected_at", "-id")
    )


def part_names(codes) -> dict[str, str]:
    """Part names in the reader's language by code (the parts catalogue), one query."""
    return {part.code: part.label for part in Part.objects.filter(code__in=set(codes))}


def statement_list(*, user) -> QuerySet[SettlementStatement]:
    """Monthly statements of the user's outlets, newest first."""
    return scope(SettlementStatement.objects.all(), user).select_related(
        "outlet", "issued_by", "answered_by", "replied_by"
    )


def statement_claims(statement: SettlementStatement) -> QuerySet[WarrantyClaim]:
    """A statement's claims with their orders' numbers as `order_number` (a line shows no more of the order:
    an order has some 70 columns, and a month has a hundred claims)."""
    return statement.claims.annotate(order_number=F("work_order__number")).order_by("decided_at", "id")


def statement_deductions(statement: SettlementStatement) -> QuerySet[Deduction]:
    """A statement's deductions with their orders' numbers as `order_number` (None for one of no order)."""
    return statement.deductions.annotate(order_number=F("work_order__number")).order_by("created_at", "id")


def deductions_to_settle(*, user) -> QuerySet[Deduction]:
    """Deductions of the user's outlets not yet on a statement (index deduction_to_settle), newest first."""
    return (
        scope(Deduction.objects.filter(statement__isnull=True), user)
        .select_related("outlet", "work_order")
        .order_by("-created_at", "-id")
    )


def complaints_to_deduct(*, user) -> QuerySet[ComplaintCase]:
    """Complaint cases their handler found against the outlet and not yet deducted, newest first."""
    deducted = Deduction.objects.filter(
        source=Concat(Value("complaint:"), Cast(OuterRef("pk"), output_field=CharField()))
    )
    return (
        scope(ComplaintCase.objects.filter(responsibility=ComplaintCase.Responsibility.OUTLET), user)
        .filter(~Exists(deducted))
        .select_related("outlet", "work_order")
        .order_by("-id")
    )
