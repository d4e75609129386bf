from django import template

register = template.Library()


@register.filter
def get_item(row: dict, key: str):
    """A table cell: row[key], or None when the row has no such figure."""
    return row.get(key)
