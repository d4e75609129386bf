"""The service KPIs of the chosen outlets and period.

The per-outlet sections read the outlet-day figures (`OutletDay`, made by kpis.services every few
minutes): one grouped query sums them per outlet for the whole page. The sections by reason,
department, model and category, the loaners snapshot and the scorecards are computed from the
rows themselves (small tables, or per person). Totals are summed from the outlet rows in Python (a
few hundred outlets at most), so averages stay exact (sums over counts)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintCase, Feedback
from core.models import Outlet, User
from dispatch.models import Appointment, AppointmentChange, LoanerUnit, VisitReport
from followups.selectors import measures as callback_measures
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


def come_when_called(scope: Scope) -> Section:
    """随叫随到: from the request to the first contact, arrivals within the agreed window, lateness,
    reschedules."""
    fields = [
        "requests",
        "wait",
        "visits",
        "on_time",
        "late_15",
        "late_30",
        "late_60",
        "late_more",
        "no_show",
        "reschedules",
        "customer_asked",
        "reassigns",
    ]

    def derive(row):
        row["first_contact_hours"] = _ratio(row["wait"] / 3600, row["requests"])
        row["on_time_pct"] = _pct(row["on_time"], row["visits"])
        row["reschedules_per_100"] = _ratio(100 * row["reschedules"], row["visits"])
        return row

    rows, total = _rows(scope, fields, derive)
    return Section(
        key="come-when-called",
        title=str(_("随叫随到 Come when called")),
        definition=str(_("How fast the customer is contacted and whether engineers arrive within the agreed window.")),
        figures=[
            Figure(
                str(_("Request to first contact")),
                total.get("first_contact_hours"),
                "h",
                str(
                    _("Mean hours from receiving an on-site order to booking its first appointment with the customer.")
                ),
            ),
            Figure(
                str(_("Arrived within the window")),
                total.get("on_time_pct"),
                "%",
                str(_("Share of visits (appointments starting in the period, engineer arrived) not late.")),
            ),
            Figure(
                str(_("Reschedules per 100 visits")),
                total.get("reschedules_per_100"),
                "",
                str(_("Reschedules recorded in the period for every 100 visits made.")),
            ),
            Figure(
                str(_("Customer not home")),
                total.get("no_show", 0),
                "",
                str(_("Appointments closed as “customer not home”.")),
            ),
        ],
        columns=[
            Column("outlet", str(_("Outlet"))),
            Column("requests", str(_("Orders contacted"))),
            Column("first_contact_hours", str(_("Hours to first contact")), "h"),
            Column("visits", str(_("Visits"))),
            Column("on_time", str(_("On time"))),
            Column("on_time_pct", str(_("On time")), "%"),
            Column("late_15", str(_("Late 1–15 min"))),
            Column("late_30", str(_("Late 16–30 min"))),
            Column("late_60", str(_("Late 31–60 min"))),
            Column("late_more", str(_("Late over 60 min"))),
            Column("no_show", str(_("Not home"))),
            Column("reschedules", str(_("Reschedules"))),
            Column("customer_asked", str(_("Rescheduled with the customer's agreement"))),
            Column("reassigns", str(_("Reassignments"))),
            Column("reschedules_per_100", str(_("Reschedules per 100 visits"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "on_time_pct", "stack": ["on_time", "late_15", "late_30", "late_60", "late_more"]},
        drill={},
    )


def reschedule_reasons(scope: Scope) -> Section:
    """Why appointments were rescheduled in the period: the reasons given, most frequent first."""
    changes = _changes(scope).filter(kind=AppointmentChange.Kind.RESCHEDULE)
    rows = list(
        changes.order_by()
        .values("reason")
        .annotate(reschedules=Count("id"), customer_agreed=Count("id", filter=Q(customer_agreed=True)))
        .order_by("-reschedules", "reason")[:15]
    )
    return Section(
        key="reschedule-reasons",
        title=str(_("Why visits were rescheduled")),
        definition=str(_("The fifteen most frequent reasons given for reschedules in the period.")),
        figures=[],
        columns=[
            Column("reason", str(_("Reason"))),
            Column("reschedules", str(_("Reschedules"))),
            Column("customer_agreed", str(_("Customer agreed"))),
        ],
        rows=rows,
        chart={"column": "reschedules", "label": "reason"},
    )


def _merge(*groups: dict[int, dict], defaults: dict) -> dict[int, dict]:
    merged: dict[int, dict] = {}
    for group in groups:
        for outlet_id, values in group.items():
            merged.setdefault(outlet_id, dict(defaults)).update(values)
    return merged


def fixed_on_arrival(scope: Scope) -> Section:
    """到了就好: fixed at the first visit, orders needing two or more visits, pull-backs, and repairs of
    the same product again within the 30-day repair guarantee or within warranty."""
    fields = ["orders", "onsite", "first_visit_fixed", "two_plus", "pulled_back", "repeat_30", "repeat_warranty"]

    def derive(row):
        row["first_visit_pct"] = _pct(row["first_visit_fixed"], row["onsite"])
        row["repeat_30_pct"] = _pct(row["repeat_30"], row["orders"])
        return row

    rows, total = _rows(scope, fields, derive)
    return Section(
        key="fixed-on-arrival",
        title=str(_("到了就好 Fixed on arrival")),
        definition=str(_("Whether the first visit fixes the product and whether it comes back.")),
        figures=[
            Figure(
                str(_("First-visit fix rate")),
                total.get("first_visit_pct"),
                "%",
                str(_("Of the orders received in the period with a finished visit: one visit, no pull-back.")),
            ),
            Figure(
                str(_("Orders needing 2+ visits")),
                total.get("two_plus", 0),
                "",
                str(_("Orders received in the period with two or more finished service visits.")),
            ),
            Figure(
                str(_("Pull-back repairs")),
                total.get("pulled_back", 0),
                "",
                str(_("Orders whose product was taken to the bench from a visit (拉修).")),
            ),
            Figure(
                str(_("Back within 30 days")),
                total.get("repeat_30_pct"),
                "%",
                str(_("Share of orders whose product had another order in the 30 days before (repair guarantee).")),
            ),
            Figure(
                str(_("Repeat repairs within warranty")),
                total.get("repeat_warranty", 0),
                "",
                str(_("In-warranty orders whose product already had an in-warranty order before.")),
            ),
        ],
        columns=[
            Column("outlet", str(_("Outlet"))),
            Column("onsite", str(_("Orders with a visit"))),
            Column("first_visit_fixed", str(_("Fixed at the first visit"))),
            Column("first_visit_pct", str(_("First-visit fix rate")), "%"),
            Column("two_plus", str(_("2+ visits"))),
            Column("pulled_back", str(_("Pulled back"))),
            Column("orders", str(_("Orders received"))),
            Column("repeat_30", str(_("Back within 30 days"))),
            Column("repeat_30_pct", str(_("Back within 30 days")), "%"),
            Column("repeat_warranty", str(_("Repeat repairs within warranty"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "first_visit_pct"},
        drill={},
    )


def delight(scope: Scope) -> Section:
    """创造感动: sign-off ratings, satisfaction cards, callback satisfaction, praise, refusals to sign."""
    fields = [
        "sign_offs",
        "rated",
        "quality_sum",
        "attitude_sum",
        "satisfied",
        "refused_to_sign",
        "cards",
        "card_sum",
        "callbacks_reached",
        "callbacks_satisfied",
        "praise",
    ]

    def derive(row):
        row["quality"] = _ratio(row["quality_sum"], row["rated"], 2)
        row["attitude"] = _ratio(row["attitude_sum"], row["rated"], 2)
        row["card"] = _ratio(row["card_sum"], row["cards"], 2)
        row["callback_satisfied_pct"] = _pct(row["callbacks_satisfied"], row["callbacks_reached"])
        return row

    rows, total = _rows(scope, fields, derive)
    return Section(
        key="delight",
        title=str(_("创造感动 Delight")),
        definition=str(_("What customers say about the service: ratings, cards, callbacks and praise.")),
        figures=[
            Figure(
                str(_("Repair quality")),
                total.get("quality"),
                "/5",
                str(_("Mean quality rating given when signing off the visits of the period.")),
            ),
            Figure(
                str(_("Service attitude")),
                total.get("attitude"),
                "/5",
                str(_("Mean attitude rating given when signing off the visits of the period.")),
            ),
            Figure(
                str(_("Satisfaction cards")),
                total.get("card"),
                "/5",
                str(_("Mean rating on the satisfaction cards of walk-ins picked up in the period.")),
            ),
            Figure(
                str(_("Satisfied on callbacks")),
                total.get("callback_satisfied_pct"),
                "%",
                str(_("Of the callbacks that reached the customer in the period, the share satisfied.")),
            ),
            Figure(str(_("Praise received")), total.get("praise", 0), "", str(_("Praise recorded in the period."))),
            Figure(
                str(_("Sign-offs without a signature")),
                total.get("refused_to_sign", 0),
                "",
                str(_("On-site sign-offs where the customer did not sign (the reason is recorded).")),
            ),
        ],
        columns=[
            Column("outlet", str(_("Outlet"))),
            Column("sign_offs", str(_("Sign-offs"))),
            Column("quality", str(_("Repair quality"))),
            Column("attitude", str(_("Service attitude"))),
            Column("satisfied", str(_("Satisfied at sign-off"))),
            Column("refused_to_sign", str(_("Not signed"))),
            Column("cards", str(_("Satisfaction cards"))),
            Column("card", str(_("Card rating"))),
            Column("callbacks_reached", str(_("Callbacks reached"))),
            Column("callback_satisfied_pct", str(_("Satisfied on callbacks")), "%"),
            Column("praise", str(_("Praise"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "attitude"},
    )


def information(scope: Scope) -> Section:
    """信息增值: suggestions and quality information captured and routed, open and acknowledged, by
    department (one query) and by product model (one query)."""
    routed = _feedback(scope).exclude(department="")
    figures = {"captured": Count("id"), "acknowledged": Count("id", filter=Q(acknowledged_at__isnull=False))}
    labels = dict(Feedback.Department.choices)
    rows = [
        {**row, "department": str(labels.get(row["department"], row["department"]))}
        for row in routed.order_by().values("department").annotate(**figures).order_by("department")
    ]
    for row in rows:
        row["open"] = row["captured"] - row["acknowledged"]
    captured = sum(r["captured"] for r in rows)
    acknowledged = sum(r["acknowledged"] for r in rows)
    return Section(
        key="information",
        title=str(_("信息增值 Information adds value")),
        definition=str(_("Product-quality, spare-part and design feedback captured and routed to departments.")),
        figures=[
            Figure(
                str(_("Captured and routed")),
                captured,
                "",
                str(_("Suggestions and quality information routed to a department in the period.")),
            ),
            Figure(
                str(_("Still open")),
                captured - acknowledged,
                "",
                str(_("Of those, not yet acknowledged by the department.")),
            ),
        ],
        columns=[
            Column("department", str(_("Department"))),
            Column("captured", str(_("Captured"))),
            Column("acknowledged", str(_("Acknowledged"))),
            Column("open", str(_("Open"))),
        ],
        rows=rows,
        chart={"column": "captured", "label": "department"},
    )


def quality_by_model(scope: Scope) -> Section:
    """信息增值 by product model: the ten models with the most routed feedback."""
    routed = _feedback(scope).exclude(department="")
    rows = list(
        routed.order_by()
        .values("product_model")
        .annotate(captured=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)))
        .order_by("-captured", "product_model")[:10]
    )
    for row in rows:
        row["product_model"] = row["product_model"] or str(_("(no model)"))
        row["open"] = row["captured"] - row["acknowledged"]
    return Section(
        key="quality-by-model",
        title=str(_("Feedback by product model")),
        definition=str(_("The ten product models with the most routed feedback in the period.")),
        figures=[],
        columns=[
            Column("product_model", str(_("Product model"))),
            Column("captured", str(_("Captured"))),
            Column("acknowledged", str(_("Acknowledged"))),
            Column("open", str(_("Open"))),
        ],
        rows=rows,
        chart={"column": "captured", "label": "product_model"},
    )


def callbacks(scope: Scope) -> Section:
    """Callbacks on time and completed (followups' own measure), by the day first due."""
    fields = ["callbacks_due", "callbacks_on_time", "callbacks_done", "callbacks_failed", "callbacks_open"]

    def derive(row):
        for name in fields:
            row[name.removeprefix("callbacks_")] = row.pop(name)
        row["on_time_rate"] = _pct(row["on_time"], row["due"])
        row["completion_rate"] = _pct(row["done"], row["due"])
        return row

    rows, total = _rows(scope, fields, derive)
    return Section(
        key="callbacks",
        title=str(_("Callbacks")),
        definition=str(_("Callbacks first due in the period: called on time (within two hours) and completed.")),
        figures=[
            Figure(
                str(_("On time")),
                total.get("on_time_rate"),
                "%",
                str(_("First call within two hours of the due time.")),
            ),
            Figure(
                str(_("Completed")),
                total.get("completion_rate"),
                "%",
                str(_("Reached the customer and recorded an outcome.")),
            ),
        ],
        columns=[
            Column("outlet", str(_("Outlet"))),
            Column("due", str(_("Due"))),
            Column("on_time", str(_("On time"))),
            Column("on_time_rate", str(_("On time")), "%"),
            Column("done", str(_("Completed"))),
            Column("completion_rate", str(_("Completed")), "%"),
            Column("failed", str(_("Failed"))),
            Column("open", str(_("Open"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "on_time_rate"},
    )


def complaints(scope: Scope) -> Section:
    """Complaint cases opened in the period by category: severity, escalated, closed, days to close."""
    cases = _cases_opened(scope)
    to_close = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    labels = dict(ComplaintCase.Category.choices)
    rows = list(
        cases.order_by()
        .values("category")
        .annotate(
            opened=Count("id"),
            high=Count("id", filter=Q(severity="high")),
            escalated=Count("id", filter=Q(escalated_at__isnull=False)),
            closed=Count("id", filter=Q(status=ComplaintCase.Status.CLOSED)),
            close_time=Sum(to_close, filter=Q(status=ComplaintCase.Status.CLOSED)),
        )
        .order_by("-opened", "category")
    )
    for row in rows:
        row["category"] = str(labels.get(row["category"], row["category"]))
        row["days_to_close"] = _ratio(_hours(row.pop("close_time")) / 24, row["closed"])
        row["open"] = row["opened"] - row["closed"]
    opened = sum(r["opened"] for r in rows)
    return Section(
        key="complaints",
        title=str(_("Complaints")),
        definition=str(_("Complaint cases opened in the period, by category, and what became of them.")),
        figures=[
            Figure(str(_("Opened")), opened, "", str(_("Complaint cases opened in the period."))),
            Figure(
                str(_("Escalated")),
                _pct(sum(r["escalated"] for r in rows), opened),
                "%",
                str(_("Share that went to a supervisor (manually, by severity, repeat repairs or a missed deadline).")),
            ),
            Figure(
                str(_("Closed")),
                _pct(sum(r["closed"] for r in rows), opened),
                "%",
                str(_("Share closed by the customer's “satisfied” on the confirmation call.")),
            ),
        ],
        columns=[
            Column("category", str(_("Category"))),
            Column("opened", str(_("Opened"))),
            Column("high", str(_("High severity"))),
            Column("escalated", str(_("Escalated"))),
            Column("closed", str(_("Closed"))),
            Column("open", str(_("Open"))),
            Column("days_to_close", str(_("Days to close"))),
        ],
        rows=rows,
        chart={"column": "opened", "label": "category"},
    )


def turnaround(scope: Scope) -> Section:
    """Walk-in repairs: hours from receipt to ready and from ready to pickup; revenue taken."""
    fields = ["picked_up", "to_ready", "to_pickup", "payments", "revenue"]

    def derive(row):
        row["ready_hours"] = _ratio(row["to_ready"] / 3600, row["picked_up"])
        row["pickup_hours"] = _ratio(row["to_pickup"] / 3600, row["picked_up"])
        return row

    rows, total = _rows(scope, fields, derive)
    return Section(
        key="turnaround",
        title=str(_("Walk-in turnaround and revenue")),
        definition=str(_("Walk-in repairs picked up in the period, and the money taken for out-of-warranty work.")),
        figures=[
            Figure(
                str(_("Received to ready")),
                total.get("ready_hours"),
                "h",
                str(_("Mean hours from receipt to “repaired”, for walk-ins picked up in the period.")),
            ),
            Figure(
                str(_("Ready to pickup")),
                total.get("pickup_hours"),
                "h",
                str(_("Mean hours from “repaired” to pickup.")),
            ),
            Figure(
                str(_("Revenue")),
                total.get("revenue"),
                "¥",
                str(_("Payments received in the period (out-of-warranty work).")),
            ),
        ],
        columns=[
            Column("outlet", str(_("Outlet"))),
            Column("picked_up", str(_("Picked up"))),
            Column("ready_hours", str(_("Hours to ready")), "h"),
            Column("pickup_hours", str(_("Hours to pickup")), "h"),
            Column("payments", str(_("Payments"))),
            Column("revenue", str(_("Revenue")), "¥"),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "ready_hours"},
    )


def loaners(scope: Scope) -> Section:
    """Loaner units out now and overdue (a snapshot: the period does not apply)."""
    today = timezone.localdate()
    units = _in(scope, LoanerUnit.objects.all(), outlet="outlet", category="category_id")
    grouped = _grouped(
        units,
        "outlet",
        units=Count("id"),
        out=Count("id", filter=Q(status=LoanerUnit.Status.OUT)),
        overdue=Count("id", filter=Q(status=LoanerUnit.Status.OUT, due_back__lt=today)),
    )
    rows, total = _rows(scope, ["units", "out", "overdue"], lambda row: row, figures=grouped)
    return Section(
        key="loaners",
        title=str(_("Loaners")),
        definition=str(_("Loaner units now: lent out, and lent out past the agreed return date.")),
        figures=[
            Figure(str(_("Out")), total.get("out", 0), "", str(_("Loaner units lent to customers now."))),
            Figure(str(_("Overdue")), total.get("overdue", 0), "", str(_("Lent out past the due date."))),
        ],
        columns=[
            Column("outlet", str(_("Outlet"))),
            Column("units", str(_("Units"))),
            Column("out", str(_("Out"))),
            Column("overdue", str(_("Overdue"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "out"},
    )


SECTIONS = {
    "come-when-called": come_when_called,
    "reschedule-reasons": reschedule_reasons,
    "fixed-on-arrival": fixed_on_arrival,
    "delight": delight,
    "information": information,
    "quality-by-model": quality_by_model,
    "callbacks": callbacks,
    "complaints": complaints,
    "turnaround": turnaround,
    "loaners": loaners,
}


# --- Scorecards: the same measures per engineer and per clerk --------------------------------------


def _people_rows(grouped: dict, names: dict, derive) -> tuple[list[dict], dict]:
    rows = [derive({"person": names.get(pk, "?"), **values}) for pk, values in grouped.items() if pk is not None]
    rows.sort(key=lambda row: row["person"])
    total: dict = {}
    for row in rows:
        for key, value in row.items():
            if key != "person" and (value is None or isinstance(value, int)):  # counts and sums, not rates
                total[key] = total.get(key, 0) + (value or 0)
    return rows, (derive({"person": str(_("All")), **total}) if rows else {})


def _names(ids) -> dict:
    return {
        pk: name or username
        for pk, name, username in User.objects.filter(pk__in=ids).values_list("pk", "name", "username")
    }


def engineers(scope: Scope) -> Section:
    """Per engineer: visits, arrivals on time, no-shows, sign-off ratings, unsigned records, pull-backs,
    praise (three grouped queries and one for the names)."""
    visits = _visits(scope)
    arrived = Q(arrived_at__isnull=False)
    by_visit = _grouped(
        visits,
        "engineer",
        # distinct: the join with the changes repeats an appointment once per change
        visits=Count("id", filter=arrived, distinct=True),
        on_time=Count("id", filter=arrived & Q(late_minutes=0), distinct=True),
        no_show=Count("id", filter=Q(status=Appointment.Status.NO_SHOW), distinct=True),
        reschedules=Count("changes", filter=Q(changes__kind=AppointmentChange.Kind.RESCHEDULE), distinct=True),
    )
    reports = _grouped(
        _signed_off(scope),
        "appointment__engineer",
        sign_offs=Count("id"),
        rated=Count("rating_quality"),
        quality_sum=Sum("rating_quality"),
        attitude_sum=Sum("rating_attitude"),
        not_signed=Count("id", filter=Q(signature="")),
        pulled_back=Count("id", filter=Q(pulled_back=True)),
    )
    praise = _grouped(
        _feedback(scope, type=Feedback.Type.PRAISE).filter(praised_staff__in=visits.values("engineer")),
        "praised_staff",
        praise=Count("id"),
    )
    defaults = {
        "visits": 0,
        "on_time": 0,
        "no_show": 0,
        "reschedules": 0,
        "sign_offs": 0,
        "rated": 0,
        "quality_sum": 0,
        "attitude_sum": 0,
        "not_signed": 0,
        "pulled_back": 0,
        "praise": 0,
    }
    grouped = _merge(by_visit, reports, praise, defaults=defaults)

    def derive(row):
        row["on_time_pct"] = _pct(row["on_time"], row["visits"])
        row["quality"] = _ratio(row["quality_sum"] or 0, row["rated"], 2)
        row["attitude"] = _ratio(row["attitude_sum"] or 0, row["rated"], 2)
        return row

    rows, total = _people_rows(grouped, _names(grouped), derive)
    return Section(
        key="engineers",
        title=str(_("Engineer scorecards")),
        definition=str(_("Each field engineer's visits in the period (appointments starting in it) and sign-offs.")),
        figures=[],
        columns=[
            Column("person", str(_("Engineer"))),
            Column("visits", str(_("Visits"))),
            Column("on_time_pct", str(_("On time")), "%"),
            Column("no_show", str(_("Not home"))),
            Column("reschedules", str(_("Reschedules"))),
            Column("sign_offs", str(_("Sign-offs"))),
            Column("quality", str(_("Repair quality"))),
            Column("attitude", str(_("Service attitude"))),
            Column("not_signed", str(_("Not signed"))),
            Column("pulled_back", str(_("Pulled back"))),
            Column("praise", str(_("Praise"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "attitude", "label": "person"},
    )


def clerks(scope: Scope) -> Section:
    """Per clerk: orders taken in, callbacks made and on time, complaint cases handled and closed, praise."""
    received_orders = _grouped(_orders_received(scope), "created_by", orders=Count("id"))
    calls = callback_measures(outlets=scope.outlets, since=scope.since, until=scope.until)["by_clerk_id"]
    cases = _grouped(
        _cases_opened(scope),
        "handler",
        cases=Count("id"),
        cases_closed=Count("id", filter=Q(status=ComplaintCase.Status.CLOSED)),
    )
    praise = _grouped(_feedback(scope, type=Feedback.Type.PRAISE), "praised_staff", praise=Count("id"))
    people = set(received_orders) | set(calls) | set(cases)
    praise = {pk: values for pk, values in praise.items() if pk in people}
    defaults = {"orders": 0, "callbacks": 0, "callbacks_on_time": 0, "cases": 0, "cases_closed": 0, "praise": 0}
    grouped = _merge(received_orders, calls, cases, praise, defaults=defaults)
    staff = _names(grouped)

    def derive(row):
        row["callbacks_on_time_pct"] = _pct(row["callbacks_on_time"], row["callbacks"])
        return row

    rows, total = _people_rows(grouped, staff, derive)
    return Section(
        key="clerks",
        title=str(_("Clerk scorecards")),
        definition=str(_("Orders taken in, callbacks completed (and called on time), complaint cases handled.")),
        figures=[],
        columns=[
            Column("person", str(_("Staff member"))),
            Column("orders", str(_("Orders received"))),
            Column("callbacks", str(_("Callbacks completed"))),
            Column("callbacks_on_time_pct", str(_("Called on time")), "%"),
            Column("cases", str(_("Complaint cases"))),
            Column("cases_closed", str(_("Closed"))),
            Column("praise", str(_("Praise"))),
        ],
        rows=rows,
        total=total or None,
        chart={"column": "orders", "label": "person"},
    )


SCORECARDS = {"engineers": engineers, "clerks": clerks}
