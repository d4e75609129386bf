"""Panels this app adds to the home page (settings.HOME_PANELS) and to a work order's page
(settings.ORDER_PANELS)."""

from django.template.loader import render_to_string

from followups.selectors import order_callbacks as callbacks_of_order
from followups.selectors import queue_counts


def call_queue(request) -> str | None:
    """Due and overdue callbacks for the people who make them."""
    if not request.user.has_perm("followups.change_callback"):
        return None
    counts = queue_counts(user=request.user)
    return render_to_string("followups/includes/home_queue.html", {"counts": counts}, request=request)


def order_callbacks(request, order) -> str | None:
    """The order's callbacks, planned and made: when each is due (and by when), who calls, the outcome."""
    if not request.user.has_perm("followups.view_callback"):
        return None
    callbacks = list(callbacks_of_order(user=request.user, order=order))
    if not callbacks:
        return None
    return render_to_string("followups/includes/order_callbacks.html", {"callbacks": callbacks}, request=request)
