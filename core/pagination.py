"""Keyset pagination for browser lists: `?after=<last key>` instead of OFFSET scans."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q, QuerySet

from core.scoping import visible_outlet_ids

MAX_PAGE_SIZE = 200
# Up to this many outlets a list scoped to them is read outlet by outlet and merged (_merged_by_outlet).
MERGED_OUTLETS = 50


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
    queryset: QuerySet,
    *,
    key: str | tuple[str, str],
    after: str | None,
    size: int = 50,
    descending: bool = False,
    outlet_ids: list[int] | None = None,
) -> KeysetPage:
    """Rows ordered by `key` (a unique column, or a column and a unique tie-breaker such as
    ("due_at", "id")), newest first when `descending`, after the position `after`.

    One query whatever the page: it fetches size + 1 rows to know whether a next page exists. With
    `outlet_ids` (the outlets the queryset is scoped to, core.scoping) and a key of one column, two: see
    _merged_by_outlet.
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    size = max(1, min(size, MAX_PAGE_SIZE))
    queryset = queryset.order_by(*(f"-{k}" if descending else k for k in keys))
    if after:
        queryset = _after(queryset, keys, after, descending)
    if len(keys) == 1 and merges_by_outlet(outlet_ids):
        rows = _merged_by_outlet(queryset, keys[0], outlet_ids, size + 1)
    else:
        rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    items = rows[:size]
    next_after = ",".join(_text(getattr(items[-1], k)) for k in keys) if has_next else None
    return KeysetPage(items=items, next_after=next_after, size=size)


def merges_by_outlet(outlet_ids: list[int] | None) -> bool:
    """Whether a list scoped to these outlets (None: every outlet) is read outlet by outlet."""
    return outlet_ids is not None and 1 < len(outlet_ids) <= MERGED_OUTLETS


def merged_keys_by_outlet(queryset: QuerySet, key: str, outlet_ids: list[int], limit: int) -> list:
    """The first `limit` keys of an ordered queryset scoped to several outlets, found outlet by outlet (one
    query): each outlet's first keys from its own index (outlet, key), merged. PostgreSQL reads `outlet IN
    (...) ORDER BY id DESC` backwards through every outlet's orders until the page is full: on a network of a
    million orders a centre whose outlets have few recent orders waited 0.3-1.6 s for a page (BENCHMARKS.md).
    This way a page costs at most `limit` keys per outlet, whoever has the recent orders.

    One outlet's part is compiled once and repeated with each outlet's id: twenty querysets compiled by the ORM
    cost ten milliseconds of Python, more than the query."""
    (ordering,) = queryset.query.order_by  # the key, as keyset_page orders by it
    part = queryset.filter(outlet_id=_OUTLET_MARK).values_list(key, flat=True)[:limit]
    sql, params = part.query.sql_with_params()
    mark = params.index(_OUTLET_MARK)
    # The ORM's own SQL and an integer; the values are parameters. Each part a subquery of its own: SQLite
    # (the embedded default) takes no ORDER BY or LIMIT in a part of a UNION.
    union = " UNION ALL ".join([f"SELECT * FROM ({sql}) AS part"] * len(outlet_ids))  # noqa: S608
    direction = "DESC" if ordering.startswith("-") else "ASC"
    merged = f"SELECT * FROM ({union}) AS parts ORDER BY 1 {direction} LIMIT {int(limit)}"  # noqa: S608
    every_params = [value for outlet in outlet_ids for value in (*params[:mark], outlet, *params[mark + 1 :])]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(merged, every_params)
        return [row[0] for row in cursor.fetchall()]


_OUTLET_MARK = -7_340_033  # stands for each outlet's id in the part compiled once (no outlet has it)


def _merged_by_outlet(queryset: QuerySet, key: str, outlet_ids: list[int], limit: int) -> list:
    """The rows of merged_keys_by_outlet, read by key (a second query)."""
    found = merged_keys_by_outlet(queryset, key, outlet_ids, limit)
    return list(queryset.filter(**{f"{key}__in": found})) if found else []


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def keyset_page_for(
    request, queryset: QuerySet, *, key: str | tuple[str, str], descending: bool = False, by_outlet: bool = False
) -> KeysetPage:
    """The page a browser list asks for with `?after=...&size=...`; `by_outlet`: the queryset is scoped to
    the user's outlets by its `outlet` (core.scoping.scope), and is read outlet by outlet (_merged_by_outlet)."""
    try:
        size = int(request.GET.get("size", 50))
    except ValueError:
        size = 50
    outlet_ids = visible_outlet_ids(request.user) if by_outlet else None
    return keyset_page(
        queryset, key=key, after=request.GET.get("after"), size=size, descending=descending, outlet_ids=outlet_ids
    )


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
