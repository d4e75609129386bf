"""The customer's tracking link on the prints they take home: the link and its QR code."""

from django import template
from django.urls import reverse

from core.templatetags.codes import _img, qr_svg
from workorders.tracking import tracking_token

register = template.Library()


@register.simple_tag(takes_context=True)
def tracking_qr(context, order):
    """A QR code of the order's tracking page (absolute: a phone opens it as it is)."""
    url = context["request"].build_absolute_uri(reverse("track", args=[tracking_token(order.pk)]))
    return _img(qr_svg(url), url, "code-qr", "tracking-qr")


@register.simple_tag
def tracking_path(order) -> str:
    """The order's tracking page, for staff to open and send to the customer."""
    return reverse("track", args=[tracking_token(order.pk)])
