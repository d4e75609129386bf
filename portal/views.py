"""The customer's tracking page, opened from the link or the QR code on the job sheet and pickup slip."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from portal.tracking import badge_number, mask_name, tracking_for
from workorders.tracking import order_id_for


@require_GET
@ratelimit(key="ip", rate="60/m", block=True)
def track(request, token: str):
    """An order's progress for its customer: no login, the token is the key; an unknown or forged token is
    a plain 404 (nothing says whether an order exists)."""
    order_id = order_id_for(token)
    tracking = tracking_for(order_id) if order_id else None
    if tracking is None:
        raise Http404
    order = tracking.order
    context = {
        "t": tracking,
        "order": order,
        "customer_name": mask_name(order.customer.name),
        "badge": badge_number(tracking.appointment.engineer_id) if tracking.engineer_shown else "",
    }
    template = "portal/closed.html" if tracking.expired else "portal/track.html"
    return render(request, template, context)


def rate_limited(request, exception):
    """Too many requests from one address (a page guessing tokens, or a stuck reload): 429, try later."""
    return HttpResponse(
        _("Too many requests: try again in a minute."), status=429, content_type="text/plain; charset=utf-8"
    )
