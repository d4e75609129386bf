"""Keyset pagination for browser lists: `?after=<last key>` instead of OFFSET scans."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

MAX_PAGE_SIZE = 200


@dataclass
class KeysetPage:
    items: list
    next_after: str | None
    size: int


def _after(queryset: QuerySet, keys: tuple[str, ...], after: str, descending: bool) -> QuerySet:
    """Rows past the position `after` ("value" or "value,value" for a key of two columns)."""
    raw = after.split(",", len(keys) - 1)
    if len(raw) != len(keys):
        return queryset.none()
    try:
        values = [queryset.model._meta.get_field(k).to_python(v) for k, v in zip(keys, raw, strict=True)]
    except ValidationError:
        return queryset.none()
    past = "lt" if descending else "gt"
    if len(keys) == 1:
        return queryset.filter(**{f"{keys[0]}__{past}": values[0]})
    first, second = keys
    beyond = Q(**{f"{first}__{past}": values[0]}) | Q(**{first: values[0], f"{second}__{past}": values[1]})
    return queryset.filter(beyond)


def keyset_page(
    queryset: QuerySet, *, key: str | tuple[str, str], after: str | None, size: int = 50, descending: bool = False
) -> KeysetPage:
    """Rows ordered by `key` (a unique column, or a column and a unique tie-breaker such as
    ("due_at", "id")), newest first when `descending`, after the position `after`.

    One query whatever the page: it fetches size + 1 rows to know whether a next page exists.
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    size = max(1, min(size, MAX_PAGE_SIZE))
    queryset = queryset.order_by(*(f"-{k}" if descending else k for k in keys))
    if after:
        queryset = _after(queryset, keys, after, descending)
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    items = rows[:size]
    next_after = ",".join(_text(getattr(items[-1], k)) for k in keys) if has_next else None
    return KeysetPage(items=items, next_after=next_after, size=size)


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def keyset_page_for(request, queryset: QuerySet, *, key: str | tuple[str, str], descending: bool = False) -> KeysetPage:
    """The page a browser list asks for with `?after=...&size=...`."""
    try:
        size = int(request.GET.get("size", 50))
    except ValueError:
        size = 50
    return keyset_page(queryset, key=key, after=request.GET.get("after"), size=size, descending=descending)


def every_row(queryset: QuerySet, *, key: str | tuple[str, str], descending: bool = False, size: int = 2000):
    """Every row of `queryset` in `key` order, read a page of `size` at a time by key, each page with its
    own prefetches: what an export of a million rows reads. (Server-side cursors are off, see
    config/settings.py: `iterator()` would fetch the whole result at once.)"""
    keys = (key,) if isinstance(key, str) else tuple(key)
    ordered = queryset.order_by(*(f"-{k}" if descending else k for k in keys))
    after = None
    while True:
        page = list((_after(ordered, keys, after, descending) if after else ordered)[:size])
        yield from page
        if len(page) < size:
            return
        after = ",".join(_text(getattr(page[-1], k)) for k in keys)
