"""Money as people read it on any page or print: ¥1,234.50 (grouped thousands, two decimals)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return f"¥{amount:,.2f}"
