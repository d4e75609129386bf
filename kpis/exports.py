"""A KPI table as CSV or Excel (core/exports.py): the rows the page shows, under the same filters, the
"All" row last; percentages, money and hours as numbers with their formats, the period and filters said
in the sheet's first row."""

from core.exports import Column, Sheet
from kpis.selectors import Section

KINDS = {"%": "percent", "¥": "money", "h": "number"}


def _cell(value, unit: str):
    if unit == "%" and isinstance(value, int | float):
        return value / 100  # the page's 87.5 (%) is Excel's 0.875 shown as 87.5%
    return value


def sheet_of(section: Section, *, filename: str, about: list[str]) -> Sheet:
    columns = [
        Column(
            f"{column.label} ({column.unit})" if column.unit else str(column.label),
            lambda row, key=column.key, unit=column.unit: _cell(row.get(key), unit),
            kind=KINDS.get(column.unit, "auto"),
            width=12 if index else 18,
        )
        for index, column in enumerate(section.columns)
    ]
    rows = [*section.rows, *([section.total] if section.total else [])]
    return Sheet(
        name=section.title,
        about=[section.title, *about],
        columns=columns,
        rows=rows,
        filename=filename,
        count=lambda bound: len(rows),
    )
