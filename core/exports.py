"""Cells of every export (CSV, Excel) are data, never formulas (CSV/formula injection).

A customer's comment, a model name or an outlet's name is typed by someone outside the company. A text
cell that starts with = + - @ (or a tab or carriage return) would run as a formula in Excel or WPS when
the exported file is opened: it gets a leading apostrophe, as OWASP advises. Excel files are written with
XlsxWriter's formula and URL conversion off as well, so a text is always stored as text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def safe_cell(value):
    """The value to write: texts that a spreadsheet would read as a formula are prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
