"""Panels this app adds to the home page (settings.HOME_PANELS) and to a work order's page
(settings.ORDER_PANELS)."""

from django.db.models import Count
from django.template.loader import render_to_string

from settlement import selectors
from settlement.models import WarrantyClaim
from settlement.services import decides_claims


def claims_to_decide(request) -> str | None:
    """Headquarters (or a delegated centre): claims waiting for a decision, and those held."""
    if not decides_claims(request.user):
        return None
    counts = dict(
        selectors.claim_list(user=request.user)
        .filter(status__in=[WarrantyClaim.Status.PENDING, WarrantyClaim.Status.HELD])
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return render_to_string("settlement/includes/home_claims.html", {"counts": counts}, request=request)


def order_settlement(request, order) -> str | None:
    """The order's warranty-cost claim (status, amounts, what holds it) and its old parts' tags."""
    user = request.user
    claim = (
        selectors.claim_list(user=user).filter(work_order=order).first()
        if user.has_perm("settlement.view_warrantyclaim")
        else None
    )
    tags = list(order.return_tags.order_by("id")) if user.has_perm("settlement.view_returntag") else []
    if claim is None and not tags:
        return None
    context = {"claim": claim, "tags": tags}
    return render_to_string("settlement/includes/order_settlement.html", context, request=request)
