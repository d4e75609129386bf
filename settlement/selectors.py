"""Read side of settlement: querysets already narrowed to the user's outlets and joined for their page."""

from django.db.models import Prefetch, QuerySet

from core.scoping import scope
from settlement.models import ClaimLine, WarrantyClaim


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
