"""Keyset pagination for browser lists: `?after=<last key>` instead of OFFSET scans."""

from dataclasses import dataclass

from django.db.models import QuerySet

MAX_PAGE_SIZE = 200


@dataclass
class KeysetPage:
    items: list
    next_after: str | None
    size: int


def keyset_page(
    queryset: QuerySet, *, key: str, after: str | None, size: int = 50, descending: bool = False
) -> KeysetPage:
    """Rows ordered by the unique column `key` (newest first when `descending`), after the value `after`.

    One query whatever the page: it fetches size + 1 rows to know whether a next page exists.
    """
    size = max(1, min(size, MAX_PAGE_SIZE))
    queryset = queryset.order_by(f"-{key}" if descending else key)
    if after:
        queryset = queryset.filter(**{f"{key}__lt" if descending else f"{key}__gt": after})
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    items = rows[:size]
    return KeysetPage(items=items, next_after=str(getattr(items[-1], key)) if has_next else None, size=size)


def keyset_page_for(request, queryset: QuerySet, *, key: str, descending: bool = False) -> KeysetPage:
    """The page a browser list asks for with `?after=...&size=...`."""
    try:
        size = int(request.GET.get("size", 50))
    except ValueError:
        size = 50
    return keyset_page(queryset, key=key, after=request.GET.get("after"), size=size, descending=descending)
