from django import template

from core.models import in_reader_language

register = template.Library()


@register.filter
def part_label(part: dict) -> str:
    """A part a visit report lists, by its name in the reader's language (reports saved before parts were
    kept with their names show the code)."""
    return in_reader_language(part.get("name") or part["code"], part.get("name_en", ""))
