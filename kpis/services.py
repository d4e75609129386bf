"""Making the outlet-day figures the dashboard reads (the only writes of the kpis app)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kpis import daily
from kpis.models import FIGURES, FiguresRefresh, OutletDay, OutletMonth, figure_columns, month_start, next_month

CHUNK_DAYS = 7  # days made per transaction: bounded memory, short locks


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.get_default_timezone())


def _serialized() -> None:
    """Two refreshes of the same days must not both delete and insert: the second waits (PostgreSQL;
    SQLite serializes writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('kpis.figures_refresh'))")


def _row(key: daily.Key, values: dict) -> OutletDay:
    outlet_id, day, category_id = key
    fields = {name: values.get(name) or 0 for name in FIGURES}
    for name in ("wait", "asked_delay", "to_ready", "to_pickup"):  # seconds, summed as decimals by PostgreSQL
        fields[name] = round(fields[name])
    fields["revenue"] = Decimal(fields["revenue"])
    return OutletDay(outlet_id=outlet_id, day=day, category_id=category_id, **fields)


def _month_sum_sql() -> str:
    """INSERT … SELECT of one month's sums: in the database, without bringing 2,800 rows of 45 figures
    to Python and back (1.25 -> 0.3 s a month here). Only the models' own table and column names are
    written into it, quoted; the month and days are parameters."""
    quote = connection.ops.quote_name
    figures = figure_columns()
    into = f"{quote(OutletMonth._meta.db_table)} (outlet_id, category_id, month, {', '.join(figures)})"
    sums = ", ".join(f"SUM({f})" for f in figures)
    days = quote(OutletDay._meta.db_table)
    return (
        f"INSERT INTO {into} SELECT outlet_id, category_id, %s, {sums} FROM {days} "  # noqa: S608
        "WHERE day >= %s AND day < %s GROUP BY outlet_id, category_id"
    )


def months_again(first_day: date, last_day: date) -> None:
    """Sum the days of every month that [first_day, last_day] touches into its OutletMonth rows again
    (inside the caller's transaction, with the days it made)."""
    month = month_start(first_day)
    while month <= last_day:
        OutletMonth.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            cursor.execute(_month_sum_sql(), [month, month, next_month(month)])
        month = next_month(month)


def figures_refresh(*, first_day: date, last_day: date, kind: str | None = None) -> int:
    """Make the figures of every outlet for the days [first_day, last_day] again, a week at a time,
    with the months they fall in (each week in one transaction: a reader sees a week's old figures or
    its new ones, never half). `kind` records the refresh for the page's "as of". Returns the day rows
    written."""
    written = 0
    day = first_day
    while day <= last_day:
        end = min(day + timedelta(days=CHUNK_DAYS - 1), last_day)
        figures = daily.outlet_days(_start(day), _start(end + timedelta(days=1)))
        with transaction.atomic():
            _serialized()
            OutletDay.objects.filter(day__gte=day, day__lte=end).delete()
            written += len(OutletDay.objects.bulk_create([_row(k, v) for k, v in figures.items()], batch_size=2000))
            months_again(day, end)
        day = end + timedelta(days=1)
    if kind is not None:
        FiguresRefresh.objects.update_or_create(
            kind=kind, defaults={"first_day": first_day, "last_day": last_day, "refreshed_at": timezone.now()}
        )
    return written


def figures_refresh_recent() -> int:
    """The last KPI_RECENT_DAYS days (beat, every few minutes): where most figures still change."""
    today = timezone.localdate()
    first = today - timedelta(days=settings.KPI_RECENT_DAYS - 1)
    return figures_refresh(first_day=first, last_day=today, kind=FiguresRefresh.Kind.RECENT)


def figures_refresh_history() -> int:
    """The last KPI_HISTORY_DAYS days (beat, every night): late sign-offs, callbacks retried for days,
    visits long after the order."""
    today = timezone.localdate()
    first = today - timedelta(days=settings.KPI_HISTORY_DAYS - 1)
    return figures_refresh(first_day=first, last_day=today, kind=FiguresRefresh.Kind.HISTORY)
