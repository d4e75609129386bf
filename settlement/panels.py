"""Panels this app adds to the home page (settings.HOME_PANELS) and to a work order's page
(settings.ORDER_PANELS)."""

from django.template.loader import render_to_string

from settlement import selectors
from settlement.models import WarrantyClaim
from settlement.services import decides_claims

COUNT_CAP = 1000


def claims_to_decide(request) -> str | None:
    """Headquarters (or a delegated centre): claims waiting for a decision, and those held."""
    if not decides_claims(request.user):
        return None
    claims = selectors.claim_list(user=request.user).order_by()
    # Counted up to a cap: a network's backlog of 270,000 claims took 23 ms to count exactly at 3M orders,
    # the same page at 100,000 orders 7 ms (BENCHMARKS.md, growth); "1,000+" says as much to the reader.
    counts = {
        status: claims.filter(status=status).values("id")[:COUNT_CAP].count()
        for status in (WarrantyClaim.Status.PENDING, WarrantyClaim.Status.HELD)
    }
    context = {"counts": counts, "cap": COUNT_CAP}
    return render_to_string("settlement/includes/home_claims.html", context, request=request)


def order_settlement(request, order) -> str | None:
    """The order's warranty-cost claim (status, amounts, what holds it) and its old parts' tags."""
    user = request.user
    claim = (
        # The panel shows the claim's own fields: not a list row's outlet and order (the order is this page's).
        selectors.claim_list(user=user).select_related(None).filter(work_order=order).first()
        if user.has_perm("settlement.view_warrantyclaim")
        else None
    )
    tags = list(order.return_tags.order_by("id")) if user.has_perm("settlement.view_returntag") else []
    if claim is None and not tags:
        return None
    context = {"claim": claim, "tags": tags}
    return render_to_string("settlement/includes/order_settlement.html", context, request=request)
