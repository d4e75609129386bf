from django import template
from django.utils.translation import gettext

from core.models import in_reader_language
from core.words import read
from warranty.engine import stored_reason_text
from warranty.fees import LineKind, QuoteLine

register = template.Library()


@register.filter
def reason_text(stored: dict) -> str:
    """A reason an order stored, in the reader's language."""
    return stored_reason_text(stored)


@register.filter
def category_name(code: str, names: dict) -> str:
    """A product category's name from `names` (selectors.category_names), the code where it has none."""
    return names.get(code, code) if code else ""


def _field(line: dict | QuoteLine, name: str, default=""):
    return line.get(name, default) if isinstance(line, dict) else getattr(line, name)


@register.filter
def line_text(line: dict | QuoteLine) -> str:
    """A quote line's name for the reader (a line an order stored, or one just computed): labour and the
    visit fee in their language, a part by its name in theirs (lines priced before English names were kept
    show the name they were priced with)."""
    kind = _field(line, "kind")
    if kind == LineKind.LABOUR:
        return gettext("Labour")
    if kind == LineKind.VISIT:
        return gettext("On-site visit fee")
    return in_reader_language(_field(line, "description"), _field(line, "description_en"))


@register.filter
def line_note(line: dict | QuoteLine) -> str:
    """Why a quote line's price differs from the schedule, in the reader's language (lines stored before
    notes were kept as words show the note as written)."""
    words = _field(line, "note_words", None)
    return read(words) if words else _field(line, "note")
