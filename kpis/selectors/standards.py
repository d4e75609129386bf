"""The four service standards and the other measures, per outlet."""

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintCase, Feedback
from dispatch.models import AppointmentChange, LoanerUnit
from kpis.selectors.base import (
    Column,
    Figure,
    Scope,
    Section,
    _cases_opened,
    _changes,
    _feedback,
    _grouped,
    _hours,
    _in,
    _pct,
    _ratio,
    _rows,
)


def come_when_called(scope: Scope) -> Section:
    """随叫随到: from the request to the first contact, the slot booked against the time the customer
    asked for, arrivals against the agreed time, lateness, reschedules."""
    fields = [
        "requests",
        "wait",
        "asked",
        "asked_met",
        "asked_delay",
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
        row["asked_met_pct"] = _pct(row["asked_met"], row["asked"])
        row["asked_late_hours"] = _ratio(row["asked_delay"] / 3600, row["asked"] - row["asked_met"])
        row["on_time_pct"] = _pct(row["on_time"], row["visits"])
        row["reschedules_per_100"] = _ratio(100 * row["reschedules"], row["visits"])
        return row

    rows, total = _rows(scope, fields, derive)
    return Section(
        key="come-when-called",
        title=str(_("Come when called")),
        definition=str(
            _(
                "How fast the customer is contacted, whether the first appointment is at the time the customer "
                "asked for, and whether engineers arrive by the agreed time."
            )
        ),
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
                str(_("Booked for the time asked")),
                total.get("asked_met_pct"),
                "%",
                str(
                    _(
                        "Share of on-site orders with a time the customer asked for whose first appointment "
                        "starts no later than that time."
                    )
                ),
            ),
            Figure(
                str(_("Arrived on time")),
                total.get("on_time_pct"),
                "%",
                str(
                    _(
                        "Share of visits (appointments starting in the period, engineer arrived) where the "
                        "engineer arrived by the agreed time."
                    )
                ),
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
            Column("asked", str(_("Time asked for"))),
            Column("asked_met_pct", str(_("Booked for the time asked")), "%"),
            Column("asked_late_hours", str(_("Hours later than asked")), "h"),
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
        title=str(_("Fixed on arrival")),
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
                str(_("Orders whose product was taken to the bench from a visit.")),
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
        title=str(_("Delight")),
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
        title=str(_("Information adds value")),
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
