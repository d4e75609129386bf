from decimal import Decimal

from django import template
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _cell(value, decimal_separator: str) -> str:
    """A figure as the template would show it (no grouping; the language's decimal separator)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", decimal_separator)
    return escape(value)


def _tr(cells: list[str], css: str = "") -> str:
    return f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


@register.simple_tag
def kpi_table_rows(section) -> str:
    """A section table's body and its total row.

    Built here rather than in the template: a centre's dashboard has about a thousand cells, and the
    template engine spent ~0.1 ms on each (BENCHMARKS.md, case 8). Every value is escaped.
    """
    title = escape(_("The work orders behind these figures"))
    separator = escape(get_format("DECIMAL_SEPARATOR"))
    body = []
    for row in section.rows:
        cells = [_cell(row.get(c.key), separator) for c in section.columns]
        if row.get("drill_url"):
            cells[0] = f'<a href="{escape(row["drill_url"])}" title="{title}">{cells[0]}</a>'
        body.append(_tr(cells))
    html = "<tbody>" + "".join(body) + "</tbody>"
    if section.total:
        total = [_cell(section.total.get(c.key), separator) for c in section.columns]
        html += "<tfoot>" + _tr(total, ' class="fw-semibold"') + "</tfoot>"
    return mark_safe(html)  # noqa: S308 (built from escaped values above)
