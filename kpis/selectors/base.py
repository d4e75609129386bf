"""The scope of a KPI page (outlets, period, category), the shape of a section, and the reads every section
shares."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import (
    DecimalField,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintCase, Feedback
from core.models import Outlet
from dispatch.models import Appointment, AppointmentChange, VisitReport
from kpis.models import (
    FIGURES,
    Figures,
    FiguresRefresh,
    OutletDay,
    OutletMonth,
    figure_columns,
    month_start,
    next_month,
)
from workorders.models import WorkOrder


@dataclass(frozen=True)
class Scope:
    """What the figures are about: outlets (already limited to the user's), a period [since, until)
    in aware datetimes, and optionally one product category."""

    outlets: QuerySet[Outlet]
    since: datetime
    until: datetime
    category_id: int | None = None

    @cached_property
    def outlet_names(self) -> dict[int, str]:
        return dict(self.outlets.order_by("code").values_list("pk", "name"))

    @cached_property
    def outlet_figures(self) -> dict[int, dict]:
        """{outlet id: {figure: sum over the period}} for every section of the page: the period's whole
        months from the month rows, its other days from the day rows (one query each)."""
        first, end = timezone.localtime(self.since).date(), timezone.localtime(self.until).date()
        months_from = first if first.day == 1 else next_month(first)
        months_until = month_start(end)  # the whole months are [months_from, months_until)
        parts: list[tuple[type[Figures], str, list]] = []
        if months_from < months_until:
            parts.append((OutletMonth, "month >= %s AND month < %s", [months_from, months_until]))
            if first < months_from or months_until < end:
                days = "(day >= %s AND day < %s) OR (day >= %s AND day < %s)"
                parts.append((OutletDay, days, [first, months_from, months_until, end]))
        else:
            parts.append((OutletDay, "day >= %s AND day < %s", [first, end]))
        totals: dict[int, dict] = {}
        for model, period, params in parts:
            for outlet, row in _summed(model, period, params, list(self.outlet_names), self.category_id):
                if outlet in totals:
                    row = {name: totals[outlet][name] + value for name, value in row.items()}
                totals[outlet] = row
        return totals

    def refreshes(self) -> list[FiguresRefresh]:
        """When the outlet-day figures were made, latest first."""
        return list(FiguresRefresh.objects.order_by("-refreshed_at"))


def _summed(model: type[Figures], period: str, params: list, outlet_ids: list[int], category_id: int | None):
    """(outlet id, {figure: sum}) of `model`'s rows in `period` (a condition on its day or month column),
    one statement written here: Django took ~3 ms to build and compile the 40 SUM()s of such a query,
    three times what the database took (BENCHMARKS.md, case 8). Only the model's own table and column
    names are written into it, quoted; every value is a parameter."""
    if not outlet_ids:
        return
    sums = ", ".join(f"SUM({column})" for column in figure_columns())
    outlets = ", ".join(["%s"] * len(outlet_ids))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT outlet_id, {sums} FROM {table} WHERE ({period}) AND outlet_id IN ({outlets})"  # noqa: S608
    fields = [model._meta.get_field(name) for name in FIGURES]
    params = [*params, *outlet_ids]
    if category_id:
        sql, params = f"{sql} AND category_id = %s", [*params, category_id]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} GROUP BY outlet_id", params)
        for outlet, *values in cursor.fetchall():
            # As the ORM gives them: SUM() of a bigint is a numeric, and SQLite sums decimals as floats.
            yield outlet, {f.name: _figure(f, v) for f, v in zip(fields, values, strict=True)}


def _figure(model_field, value):
    if isinstance(model_field, DecimalField):
        return Decimal(str(value or 0)).quantize(Decimal(1).scaleb(-model_field.decimal_places))
    return int(value or 0)


@dataclass
class Column:
    key: str
    label: str
    unit: str = ""  # "%", "h", "¥", "" (a count or a rating)


@dataclass
class Figure:
    label: str
    value: object
    unit: str
    definition: str


@dataclass
class Section:
    key: str
    title: str
    definition: str
    figures: list[Figure]
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None  # the "All" row under the table (not charted)
    chart: dict = field(default_factory=dict)  # {"column": key, "label": key, "stack": [keys]}: bars per row
    # Rows drill down to the outlet's work orders received in the period, with these extra list filters.
    drill: dict | None = None


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _ratio(total, n, digits=1):
    return round(total / n, digits) if n else None


def _hours(duration: timedelta | None) -> float:
    return duration.total_seconds() / 3600 if duration else 0.0


def _grouped(queryset, by: str, **aggregates) -> dict[int, dict]:
    """{id of `by` (an outlet, an engineer, a clerk): {aggregate: value}} in one grouped query."""
    rows = queryset.order_by().values(by).annotate(**aggregates)
    return {row.pop(by): row for row in rows}


def _in(scope: Scope, queryset, *, outlet: str, category: str | None):
    queryset = queryset.filter(**{f"{outlet}__in": scope.outlets.values("pk")})
    if scope.category_id and category:
        queryset = queryset.filter(**{category: scope.category_id})
    return queryset


def _during(scope: Scope, queryset, field: str):
    return queryset.filter(**{f"{field}__gte": scope.since, f"{field}__lt": scope.until})


# The rows the sections count, each limited to the scope's outlets, period and category.


def _orders_received(scope: Scope) -> QuerySet[WorkOrder]:
    orders = _during(scope, WorkOrder.objects.all(), "created_at")
    return _in(scope, orders, outlet="outlet", category="product__category_id")


def _visits(scope: Scope) -> QuerySet[Appointment]:
    """Appointments whose window starts in the period."""
    visits = _during(scope, Appointment.objects.all(), "starts_at")
    return _in(scope, visits, outlet="outlet", category="work_order__product__category_id")


def _changes(scope: Scope) -> QuerySet[AppointmentChange]:
    changes = _during(scope, AppointmentChange.objects.all(), "at")
    return _in(scope, changes, outlet="appointment__outlet", category="appointment__work_order__product__category_id")


def _signed_off(scope: Scope) -> QuerySet[VisitReport]:
    """Sign-offs of the visits made in the period (read through the appointments' outlet-and-start index)."""
    reports = _during(scope, VisitReport.objects.filter(signed_off_at__isnull=False), "appointment__starts_at")
    return _in(scope, reports, outlet="appointment__outlet", category="appointment__work_order__product__category_id")


def _feedback(scope: Scope, **kinds) -> QuerySet[Feedback]:
    feedback = _during(scope, Feedback.objects.filter(**kinds), "created_at")
    return _in(scope, feedback, outlet="outlet", category="work_order__product__category_id")


def _cases_opened(scope: Scope) -> QuerySet[ComplaintCase]:
    cases = _during(scope, ComplaintCase.objects.all(), "opened_at")
    return _in(scope, cases, outlet="outlet", category="product__category_id")


def _rows(scope: Scope, fields: list[str], derive, figures: dict[int, dict] | None = None) -> tuple[list[dict], dict]:
    """One row per outlet with any of `fields` (from the outlet-day figures unless `figures` are given),
    plus the total row; `derive(row)` adds the rates."""
    figures = scope.outlet_figures if figures is None else figures
    rows = []
    total = dict.fromkeys(fields, 0)
    for outlet_id, name in scope.outlet_names.items():
        values = figures.get(outlet_id) or {}
        picked = {key: values.get(key) or 0 for key in fields}
        if not any(picked.values()):
            continue
        for key, value in picked.items():
            total[key] += value
        rows.append(derive({"outlet": name, "outlet_id": outlet_id, **picked}))
    return rows, derive({"outlet": str(_("All")), **total}) if rows else {}


def _merge(*groups: dict[int, dict], defaults: dict) -> dict[int, dict]:
    merged: dict[int, dict] = {}
    for group in groups:
        for outlet_id, values in group.items():
            merged.setdefault(outlet_id, dict(defaults)).update(values)
    return merged
