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


def order_claim(request, order) -> str | None:
    """The order's warranty-cost claim: its status, amounts and what holds it."""
    if not request.user.has_perm("settlement.view_warrantyclaim"):
        return None
    claim = selectors.claim_list(user=request.user).filter(work_order=order).first()
    if claim is None:
        return None
    return render_to_string("settlement/includes/order_claim.html", {"claim": claim}, request=request)
