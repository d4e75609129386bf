"""Exports of what people list (work orders, callbacks, complaint cases, payments, parts used, KPI tables):
CSV and Excel, with exactly the list's filters and the reader's scope and masking.

An app describes an export as a `Sheet` (its name, what it holds, its columns, its rows) built from the
list page's own query parameters (settings.EXPORTS names the builders). Small exports stream from the
request; above settings.EXPORT_STREAM_LIMIT rows a Celery task writes the file (`ExportJob`) and the page
shows its progress, with the file kept for a day.

Cells are data, never formulas (CSV/formula injection): a customer's comment, a model name or an outlet's
name is typed by someone outside the company, and a text cell that starts with = + - @ (or a tab or
carriage return) would run as a formula in Excel or WPS. It gets a leading apostrophe, as OWASP advises,
and Excel files are written with XlsxWriter's formula and URL conversion off as well.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def safe_cell(value):
    """The value to write: texts that a spreadsheet would read as a formula are prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header (in the reader's language), how a row gives its value, and its kind:
    text, int, number (one decimal), money (two), percent (a fraction, 0.5 = 50 %), date, datetime, or
    auto (numbers as numbers, anything else as text)."""

    header: str
    value: Callable
    kind: str = "text"
    width: int = 14


@dataclass
class Sheet:
    name: str  # the sheet's name (and the file's), in the reader's language
    about: list[str]  # what it holds: the period, the filters; the export's time is added
    columns: list[Column]
    rows: Iterable
    filename: str = "export"
    count: Callable[[int], int] = field(default=lambda bound: 0)  # its rows, counted up to `bound`


def _plain(value, kind: str):
    """A cell as both writers take it: numbers as numbers, times in Shanghai, the rest as safe text."""
    if value is None or value == "":
        return None
    if kind in ("int", "number", "money", "percent"):
        return value if isinstance(value, int | float | Decimal) else Decimal(str(value))
    if kind == "auto" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    if kind == "datetime" and isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if kind == "date" and isinstance(value, dt.date | dt.datetime):
        return value.date() if isinstance(value, dt.datetime) else value
    return safe_cell(str(value))


def _cells(sheet: Sheet, row) -> list:
    return [_plain(column.value(row), column.kind) for column in sheet.columns]


def _csv_text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "percent" and not isinstance(value, str):
        return f"{value * 100:.1f}"  # under a header that says (%), as the page shows it
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(sheet: Sheet) -> Iterator[str]:
    """The header in the reader's language and one line per row, after a byte-order mark (Excel then
    reads the Chinese as UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([safe_cell(str(column.header)) for column in sheet.columns])
    for row in sheet.rows:
        cells = zip(sheet.columns, _cells(sheet, row), strict=True)
        yield writer.writerow([_csv_text(value, column.kind) for column, value in cells])


def write_xlsx(sheet: Sheet, target, *, exported_by: str = "", progress: Callable[[int], None] | None = None) -> int:
    """The sheet as an Excel workbook in constant memory: a first row saying what it holds and when it was
    exported, a frozen header with filters, columns as wide as their kind, numbers as numbers with money,
    percent and date formats. Returns the rows written; `progress(rows)` is called every 1,000 rows."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False, **XLSX_OPTIONS})
    formats = {
        "money": book.add_format({"num_format": "#,##0.00"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "int": book.add_format({"num_format": "0"}),
        "number": book.add_format({"num_format": "#,##0.0"}),
        "auto": None,
    }
    bold = book.add_format({"bold": True, "bg_color": "#E9ECEF", "bottom": 1})
    worksheet = book.add_worksheet(_sheet_name(sheet.name))
    for index, column in enumerate(sheet.columns):
        worksheet.set_column(index, index, max(column.width, len(str(column.header)) * 2 + 2))
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    about = " · ".join([*sheet.about, f"{when}{(' · ' + exported_by) if exported_by else ''}"])
    worksheet.write_string(0, 0, safe_cell(about))
    worksheet.write_row(1, 0, [safe_cell(str(column.header)) for column in sheet.columns], bold)
    worksheet.freeze_panes(2, 0)
    written = 0
    for written, row in enumerate(sheet.rows, start=1):
        for index, (column, value) in enumerate(zip(sheet.columns, _cells(sheet, row), strict=True)):
            if value is None:
                continue
            if not isinstance(value, str):
                if column.kind in ("date", "datetime"):
                    worksheet.write_datetime(written + 1, index, value, formats[column.kind])
                else:
                    worksheet.write_number(written + 1, index, value, formats[column.kind])
            else:
                worksheet.write_string(written + 1, index, value)
        if progress and written % 1000 == 0:
            progress(written)
    worksheet.autofilter(1, 0, max(written, 0) + 1, len(sheet.columns) - 1)
    book.close()
    return written


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(name)).strip()
    return cleaned[:31] or "Sheet1"


def csv_response(sheet: Sheet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{sheet.filename}.csv")
    return response


def xlsx_response(sheet: Sheet, *, exported_by: str = "") -> FileResponse:
    """Written to a temporary file (XlsxWriter's constant-memory mode), then streamed."""
    spool = tempfile.TemporaryFile()
    write_xlsx(sheet, spool, exported_by=exported_by)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{sheet.filename}.xlsx", content_type=XLSX_TYPE)


def described(form) -> list[str]:
    """A valid filter form's filled-in fields as "label: value" in the reader's language (choices by their
    labels, records by name, days as ISO), for the line that says what an export holds."""
    lines = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], False):
            continue
        field = form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif value is True:
            value = "✓"
        lines.append(f"{field.label}: {value}")
    return lines


def export_storage() -> FileSystemStorage:
    """Where the worker writes large exports (settings.EXPORT_DIR, shared with the web processes)."""
    return FileSystemStorage(location=settings.EXPORT_DIR)


def file_response(job) -> FileResponse:
    """A written export's file (an ExportJob of the one asking), while it is kept: page and API."""
    if job.status != job.Status.DONE or job.expires_at <= timezone.now():
        raise Http404
    storage = export_storage()
    if not storage.exists(job.path):
        raise Http404
    content_type = XLSX_TYPE if job.format == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(storage.open(job.path), as_attachment=True, filename=job.filename, content_type=content_type)
