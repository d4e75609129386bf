"""How a work order reads on any page or print: its status as a badge whose colour means the same on every
page (grey received, amber waiting on someone, blue being worked on, green repaired, teal awaiting the
callback, light when over), and its quote lines in the reader's language."""

from django import template
from django.utils.translation import gettext

from core.models import in_reader_language
from warranty.fees import LineKind
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


@register.filter
def line_text(line: dict) -> str:
    """A quote line's name for the reader: labour and the visit fee in their language, a part by its name
    in theirs (lines priced before English names were kept show the name they were priced with)."""
    if line.get("kind") == LineKind.LABOUR:
        return gettext("Labour")
    if line.get("kind") == LineKind.VISIT:
        return gettext("On-site visit fee")
    return in_reader_language(line["description"], line.get("description_en", ""))
