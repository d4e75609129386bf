"""How a work order reads on any page or print: its status as a badge whose colour means the same on every
page (grey received, amber waiting on someone, blue being worked on, green repaired, teal awaiting the
callback, light when over)."""

from django import template

from workorders.lifecycle import Status

register = template.Library()

TONES = {
    Status.RECEIVED: "text-bg-secondary",
    Status.AWAITING_APPROVAL: "text-bg-warning",
    Status.AWAITING_DISPATCH: "text-bg-warning",
    Status.AWAITING_PARTS: "text-bg-warning",
    Status.SCHEDULED: "text-bg-primary",
    Status.IN_SERVICE: "text-bg-primary",
    Status.REPAIRED: "text-bg-success",
    Status.AWAITING_CALLBACK: "text-bg-info",
    Status.CLOSED: "text-bg-light border",
    Status.CANCELLED: "text-bg-light border",
}


@register.filter
def status_tone(status: str) -> str:
    """The badge classes of a work order's status."""
    return TONES.get(status, "text-bg-secondary")
