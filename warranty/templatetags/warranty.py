from django import template

from warranty.engine import stored_reason_text

register = template.Library()


@register.filter
def reason_text(stored: dict) -> str:
    """A reason an order stored, in the reader's language."""
    return stored_reason_text(stored)


@register.filter
def category_name(code: str, names: dict) -> str:
    """A product category's name from `names` (selectors.category_names), the code where it has none."""
    return names.get(code, code) if code else ""
