"""A KPI table as CSV (streamed row by row) or Excel (written with XlsxWriter's constant-memory mode
to a temporary file, then streamed): the same rows the page shows, under the same filters."""

import csv
import tempfile
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

from core.exports import XLSX_OPTIONS, safe_cell
from kpis.selectors import Section


class _Echo:
    def write(self, value):
        return value


def _header(section: Section) -> list[str]:
    return [safe_cell(f"{c.label} ({c.unit})" if c.unit else str(c.label)) for c in section.columns]


def _values(section: Section):
    for row in [*section.rows, *([section.total] if section.total else [])]:
        yield [safe_cell(_text_or_number(row.get(c.key))) for c in section.columns]


def _text_or_number(value):
    """Numbers stay numbers; anything else (a name, a lazy label) is written as its text."""
    return value if value is None or isinstance(value, int | float | Decimal) else str(value)


def as_csv(section: Section, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    lines = (writer.writerow(line) for line in [_header(section), *_values(section)])
    # A byte-order mark so that Excel opens the Chinese text as UTF-8.
    response = StreamingHttpResponse(("\ufeff", *lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def as_xlsx(section: Section, filename: str) -> FileResponse:
    spool = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False, **XLSX_OPTIONS})
    sheet = book.add_worksheet(section.key[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, _header(section), bold)
    for number, values in enumerate(_values(section), start=1):
        sheet.write_row(number, 0, ["" if v is None else v for v in values])
    book.close()
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
