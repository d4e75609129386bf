"""What each outlet's day counts: the additive figures of `OutletDay`, computed by the database from
the other apps' rows for every outlet of the network and every day of [since, until).

Each measure is one grouped query keyed by (outlet, day in Asia/Shanghai, product category); the
rates and means the dashboard shows are derived from these sums, so any period adds up exactly.
"""

from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from complaints.models import Feedback
from core.models import Outlet
from dispatch.models import Appointment, AppointmentChange, VisitReport
from followups.models import Callback
from followups.selectors import callback_figures, first_due
from workorders.lifecycle import Status
from workorders.models import Payment, WorkOrder, WorkOrderEvent

REPAIR_GUARANTEE = timedelta(days=30)  # DOMAIN: a repair is guaranteed for 30 days

Key = tuple[int, object, int | None]  # (outlet id, day, category id)


def outlet_days(since: datetime, until: datetime) -> dict[Key, dict]:
    """{(outlet, day, category): {figure: value}} for every outlet with anything in [since, until)."""
    # Every outlet by id: the date columns are indexed per outlet, (outlet, day), and PostgreSQL reads
    # such an index for a list of outlets; without the list it scans the whole table for a week.
    outlets = list(Outlet.objects.values_list("pk", flat=True))
    figures: dict[Key, dict] = {}
    for measure in (
        _orders_received,
        _visits,
        _changes,
        _sign_offs,
        _cards,
        _callbacks_reached,
        _praise,
        _callbacks_due,
        _walk_ins_picked_up,
        _payments,
    ):
        for key, values in measure(since, until, outlets).items():
            figures.setdefault(key, {}).update(values)
    return figures


def _keyed(queryset: QuerySet, outlets: list[int], *, outlet: str, day: str, category: str) -> QuerySet:
    """`queryset` of `outlets` with the grouping key as the columns o (outlet), d (day) and c (category)."""
    return (
        queryset.filter(**{f"{outlet}__in": outlets})
        .order_by()
        .annotate(o=F(outlet), d=TruncDate(day, tzinfo=timezone.get_default_timezone()), c=F(category))
    )


def _grouped(queryset: QuerySet, **aggregates) -> dict[Key, dict]:
    """One grouped query over a `_keyed` queryset."""
    rows = queryset.values("o", "d", "c").annotate(**aggregates)
    return {(row.pop("o"), row.pop("d"), row.pop("c")): row for row in rows}


def _over_rows(rows: QuerySet, figures: dict[str, str]) -> dict[Key, dict]:
    """Figures aggregated over per-row values.

    `rows` is a `_keyed(...).values("o", "d", "c", ...)` queryset whose columns may be correlated
    subqueries; the ORM would copy such a subquery into every aggregate that uses it (PostgreSQL then
    runs it once per row for each copy), so the rows are selected once, fenced (OFFSET 0 keeps
    PostgreSQL from flattening them back), and grouped here. `figures` maps a name to an SQL aggregate
    over the columns, e.g. "COUNT(*) FILTER (WHERE visits >= 1)".
    """
    sql, params = rows.query.sql_with_params()
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    columns = ", ".join(f"{aggregate} AS {name}" for name, aggregate in figures.items())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT o, d, c, {columns} FROM ({sql}{fence}) AS r GROUP BY o, d, c", params)  # noqa: S608
        names = [c[0] for c in cursor.description][3:]
        return {
            # SQLite gives the day as text
            (o, date.fromisoformat(d) if isinstance(d, str) else d, c): dict(zip(names, values, strict=True))
            for o, d, c, *values in cursor.fetchall()
        }


def _seconds(later: str, earlier: str) -> str:
    """SQL for the seconds between two timestamp columns of the per-row values."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"(julianday({later}) - julianday({earlier})) * 86400"


def _during(queryset: QuerySet, field: str, since: datetime, until: datetime) -> QuerySet:
    return queryset.filter(**{f"{field}__gte": since, f"{field}__lt": until})


def _orders_received(since, until, outlets) -> dict[Key, dict]:
    """By the day received: on-site requests, their first contact and the slot it booked against the
    time the customer asked for (随叫随到); the first-visit fix, visits needed, pull-backs and repeats of
    the same product (到了就好)."""
    first_booked = (
        Appointment.objects.filter(work_order=OuterRef("pk"))
        .order_by()
        .values("work_order")
        .annotate(m=Min("booked_at"))
    )
    done_visits = (
        Appointment.objects.filter(
            work_order=OuterRef("pk"), status=Appointment.Status.DONE, purpose=Appointment.Purpose.SERVICE
        )
        .order_by()
        .values("work_order")
        .annotate(n=Count("id"))
        .values("n")
    )
    pulled = VisitReport.objects.filter(appointment__work_order=OuterRef("pk"), pulled_back=True)
    earlier = WorkOrder.objects.filter(product=OuterRef("product"), created_at__lt=OuterRef("created_at"))
    orders = _keyed(
        _during(WorkOrder.objects.all(), "created_at", since, until),
        outlets,
        outlet="outlet_id",
        day="created_at",
        category="product__category_id",
    ).annotate(
        onsite_request=~Q(channel=WorkOrder.Channel.WALK_IN),
        first_contact=Subquery(first_booked.values("m")),
        first_start=Subquery(
            Appointment.objects.filter(work_order=OuterRef("pk")).order_by("booked_at", "pk").values("starts_at")[:1]
        ),
        visit_count=Coalesce(Subquery(done_visits), 0),
        pulled=Exists(pulled),
        back_30=Exists(earlier.filter(created_at__gte=OuterRef("created_at") - REPAIR_GUARANTEE)),
        back_warranty=Exists(earlier.filter(in_warranty=True)),
    )
    contacted = "onsite_request AND first_contact IS NOT NULL"
    asked = f"{contacted} AND requested_time IS NOT NULL"
    return _over_rows(
        orders.values(
            "o",
            "d",
            "c",
            "created_at",
            "onsite_request",
            "first_contact",
            "requested_time",
            "first_start",
            "visit_count",
            "pulled",
            "back_30",
            "back_warranty",
            "in_warranty",
        ),
        {
            "requests": f"COUNT(*) FILTER (WHERE {contacted})",
            "wait": f"COALESCE(SUM({_seconds('first_contact', 'created_at')}) FILTER (WHERE {contacted}), 0)",
            "asked": f"COUNT(*) FILTER (WHERE {asked})",
            "asked_met": f"COUNT(*) FILTER (WHERE {asked} AND first_start <= requested_time)",
            "asked_delay": (
                f"COALESCE(SUM({_seconds('first_start', 'requested_time')}) "
                f"FILTER (WHERE {asked} AND first_start > requested_time), 0)"
            ),
            "orders": "COUNT(*)",
            "onsite": "COUNT(*) FILTER (WHERE visit_count >= 1)",
            "first_visit_fixed": "COUNT(*) FILTER (WHERE visit_count = 1 AND NOT pulled)",
            "two_plus": "COUNT(*) FILTER (WHERE visit_count >= 2)",
            "pulled_back": "COUNT(*) FILTER (WHERE visit_count >= 1 AND pulled)",
            "repeat_30": "COUNT(*) FILTER (WHERE back_30)",
            "repeat_warranty": "COUNT(*) FILTER (WHERE back_warranty AND in_warranty)",
        },
    )


def _visits(since, until, outlets) -> dict[Key, dict]:
    """By the day of the appointment's window: arrivals, lateness, customers not home."""
    visits = _keyed(
        _during(Appointment.objects.all(), "starts_at", since, until),
        outlets,
        outlet="outlet_id",
        day="starts_at",
        category="work_order__product__category_id",
    )
    arrived = Q(arrived_at__isnull=False)
    return _grouped(
        visits,
        visits=Count("id", filter=arrived),
        on_time=Count("id", filter=arrived & Q(late_minutes=0)),
        late_15=Count("id", filter=arrived & Q(late_minutes__gte=1, late_minutes__lte=15)),
        late_30=Count("id", filter=arrived & Q(late_minutes__gte=16, late_minutes__lte=30)),
        late_60=Count("id", filter=arrived & Q(late_minutes__gte=31, late_minutes__lte=60)),
        late_more=Count("id", filter=arrived & Q(late_minutes__gt=60)),
        no_show=Count("id", filter=Q(status=Appointment.Status.NO_SHOW)),
    )


def _changes(since, until, outlets) -> dict[Key, dict]:
    """By the day the change was made: reschedules (with the customer's agreement) and reassignments."""
    changes = _keyed(
        _during(AppointmentChange.objects.all(), "at", since, until),
        outlets,
        outlet="appointment__outlet_id",
        day="at",
        category="appointment__work_order__product__category_id",
    )
    return _grouped(
        changes,
        reschedules=Count("id", filter=Q(kind=AppointmentChange.Kind.RESCHEDULE)),
        customer_asked=Count("id", filter=Q(kind=AppointmentChange.Kind.RESCHEDULE, customer_agreed=True)),
        reassigns=Count("id", filter=Q(kind=AppointmentChange.Kind.REASSIGN)),
    )


def _sign_offs(since, until, outlets) -> dict[Key, dict]:
    """By the day of the visit (read through the appointments' outlet-and-start index): ratings,
    satisfaction and signatures."""
    reports = _keyed(
        _during(VisitReport.objects.filter(signed_off_at__isnull=False), "appointment__starts_at", since, until),
        outlets,
        outlet="appointment__outlet_id",
        day="appointment__starts_at",
        category="appointment__work_order__product__category_id",
    )
    return _grouped(
        reports,
        sign_offs=Count("id"),
        rated=Count("rating_quality"),
        quality_sum=Coalesce(Sum("rating_quality"), 0),
        attitude_sum=Coalesce(Sum("rating_attitude"), 0),
        satisfied=Count("id", filter=Q(satisfied=True)),
        refused_to_sign=Count("id", filter=Q(signature="")),
    )


def _cards(since, until, outlets) -> dict[Key, dict]:
    """By the day picked up: the satisfaction cards of walk-ins."""
    cards = _keyed(
        _during(WorkOrder.objects.filter(satisfaction_rating__isnull=False), "picked_up_at", since, until),
        outlets,
        outlet="outlet_id",
        day="picked_up_at",
        category="product__category_id",
    )
    return _grouped(cards, cards=Count("id"), card_sum=Coalesce(Sum("satisfaction_rating"), 0))


def _callbacks_reached(since, until, outlets) -> dict[Key, dict]:
    """By the day completed: callbacks that reached the customer, and how many were satisfied."""
    reached = [Callback.Outcome.SATISFIED, Callback.Outcome.DISSATISFIED, Callback.Outcome.FAULT_BACK]
    calls = _keyed(
        _during(Callback.objects.filter(outcome__in=reached), "completed_at", since, until),
        outlets,
        outlet="outlet_id",
        day="completed_at",
        category="product__category_id",
    )
    return _grouped(
        calls,
        callbacks_reached=Count("id"),
        callbacks_satisfied=Count("id", filter=Q(outcome=Callback.Outcome.SATISFIED)),
    )


def _praise(since, until, outlets) -> dict[Key, dict]:
    """By the day recorded."""
    praise = _keyed(
        _during(Feedback.objects.filter(type=Feedback.Type.PRAISE), "created_at", since, until),
        outlets,
        outlet="outlet_id",
        day="created_at",
        category="work_order__product__category_id",
    )
    return _grouped(praise, praise=Count("id"))


def _callbacks_due(since, until, outlets) -> dict[Key, dict]:
    """By the day first due: followups' on-time and completion figures."""
    calls = _keyed(
        first_due(since=since, until=until),
        outlets,
        outlet="outlet_id",
        day="first_due_at",
        category="product__category_id",
    )
    return {
        key: {f"callbacks_{name}": value for name, value in values.items()}
        for key, values in _grouped(calls, **callback_figures()).items()
    }


def _walk_ins_picked_up(since, until, outlets) -> dict[Key, dict]:
    """By the day picked up: walk-ins' hours from receipt to "repaired" and from then to pickup."""
    ready_at = (
        WorkOrderEvent.objects.filter(work_order=OuterRef("pk"), to_status=Status.REPAIRED)
        .order_by()
        .values("work_order")
        .annotate(m=Min("at"))
        .values("m")
    )
    walk_ins = _keyed(
        _during(WorkOrder.objects.filter(channel=WorkOrder.Channel.WALK_IN), "picked_up_at", since, until),
        outlets,
        outlet="outlet_id",
        day="picked_up_at",
        category="product__category_id",
    ).annotate(ready_at=Subquery(ready_at))
    return _over_rows(
        walk_ins.values("o", "d", "c", "created_at", "ready_at", "picked_up_at"),
        {
            "picked_up": "COUNT(ready_at)",
            "to_ready": f"COALESCE(SUM({_seconds('ready_at', 'created_at')}), 0)",
            "to_pickup": f"COALESCE(SUM({_seconds('picked_up_at', 'ready_at')}), 0)",
        },
    )


def _payments(since, until, outlets) -> dict[Key, dict]:
    """By the day received: payments and the money taken (out-of-warranty work)."""
    payments = _keyed(
        _during(Payment.objects.all(), "received_at", since, until),
        outlets,
        outlet="outlet_id",
        day="received_at",
        category="work_order__product__category_id",
    )
    return _grouped(payments, payments=Count("id"), revenue=Sum("amount"))
