"""Read side of the call queue."""

from datetime import timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.scoping import scope
from followups.models import Callback, CallbackAttempt
from workorders.models import CustomerPhone, WorkOrder
from workorders.selectors import work_order_list

OVERDUE_AFTER = timedelta(hours=2)  # due this long ago and still not made


def _of_outlets(user) -> QuerySet[Callback]:
    """Callbacks of the user's outlets (the scope's list of outlets: with a subquery PostgreSQL joined
    a network-wide backlog of 100,000 due callbacks before narrowing it, BENCHMARKS.md case 5)."""
    return scope(Callback.objects.all(), user)


# A queue row shows its customer, product and order (joined) and its plan, outlet, category and who
# is calling (a few rows each, read by id in one query apiece): joining all eight tables cost 15-20 ms
# of PostgreSQL planning per list, more than reading the page (BENCHMARKS.md, case 5).
_JOINED = ("customer", "product", "work_order")
_LOOKED_UP = ("plan", "outlet", "product__category", "claimed_by")


def call_queue(*, user) -> QuerySet[Callback]:
    """Callbacks of the user's outlets waiting for a call (or being called), oldest due first."""
    return (
        _of_outlets(user)
        .filter(status__in=[Callback.Status.QUEUED, Callback.Status.CLAIMED])
        .select_related(*_JOINED)
        .prefetch_related(*_LOOKED_UP)
        .order_by("due_at", "id")
    )


def upcoming(*, user) -> QuerySet[Callback]:
    """Callbacks of the user's outlets planned but not yet due, soonest first (the queue index)."""
    return (
        _of_outlets(user)
        .filter(status=Callback.Status.SCHEDULED)
        .select_related(*_JOINED)
        .prefetch_related(*_LOOKED_UP)
        .order_by("due_at", "id")
    )


def order_callbacks(*, user, order) -> QuerySet[Callback]:
    """One order's callbacks in the order they fall due, with their plans and clerks (one query)."""
    return (
        _of_outlets(user)
        .filter(work_order=order)
        .select_related("plan", "claimed_by", "completed_by")
        .order_by("due_at", "id")
    )


def queue_counts(*, user) -> dict[str, int]:
    """Due, overdue and claimed-by-me counts in one query."""
    now = timezone.now()
    return (
        _of_outlets(user)
        .filter(status__in=[Callback.Status.QUEUED, Callback.Status.CLAIMED])
        .aggregate(
            due=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now - OVERDUE_AFTER)),
            mine=Count("id", filter=Q(status=Callback.Status.CLAIMED, claimed_by=user)),
        )
    )


def callback_detail(*, user) -> QuerySet[Callback]:
    """One callback with the customer's phones, order history and earlier calls."""
    return call_queue_all(user=user).prefetch_related(
        Prefetch("customer__phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id")),
        "calls__by",
    )


def service_history(*, user, customer_id: int) -> QuerySet[WorkOrder]:
    """The customer's work orders at the user's outlets, newest first, for the clerk on the phone."""
    return work_order_list(user=user).filter(customer_id=customer_id).order_by("-id")


def call_queue_all(*, user) -> QuerySet[Callback]:
    """Every callback of the user's outlets, whatever its state (three tables joined, the rest looked up, as
    in the queue: with all eight joined PostgreSQL planned the API's list anew on every request, 16 ms)."""
    return _of_outlets(user).select_related(*_JOINED).prefetch_related(*_LOOKED_UP)


def findings(*, user) -> QuerySet[Callback]:
    """For supervisors: callbacks that failed after every attempt, and records the customer contradicted,
    with the plan and customer their line names (nothing else: the queue page reads fifty of them)."""
    return (
        _of_outlets(user)
        .filter(Q(status=Callback.Status.FAILED) | Q(finding=True))
        .select_related("customer")
        .prefetch_related("plan")
        .order_by("-id")
    )


def first_due(*, since, until) -> QuerySet[Callback]:
    """Callbacks first due in [since, until) (not cancelled), each with the time of its first call."""
    first_call = CallbackAttempt.objects.filter(callback=OuterRef("pk")).order_by("at").values("at")[:1]
    return (
        Callback.objects.exclude(status=Callback.Status.CANCELLED)
        .filter(first_due_at__gte=since, first_due_at__lt=until)
        .annotate(first_call=Subquery(first_call))
    )


def callback_figures() -> dict:
    """What the on-time and completion rates count, as aggregates over `first_due` rows: a callback
    with a deadline is on time when first called by it, any other within two hours of falling due."""
    return {
        "due": Count("id"),
        "on_time": Count("id", filter=Q(first_call__lte=Coalesce("deadline_at", F("first_due_at") + OVERDUE_AFTER))),
        "done": Count("id", filter=Q(status=Callback.Status.DONE)),
        "failed": Count("id", filter=Q(status=Callback.Status.FAILED)),
        "open": Count(
            "id", filter=Q(status__in=[Callback.Status.SCHEDULED, Callback.Status.QUEUED, Callback.Status.CLAIMED])
        ),
    }


def measures(*, outlets, since, until) -> dict:
    """Callback on-time and completion rates for callbacks of `outlets` (a queryset already limited to
    the user's) first due in [since, until), per outlet and per clerk, computed by the database (two
    grouped queries)."""
    base = first_due(since=since, until=until).filter(outlet__in=outlets.values("pk"))
    figures = callback_figures()
    by_outlet = list(base.order_by().values("outlet__name").annotate(**figures).order_by("outlet__name"))
    by_clerk = list(
        base.filter(completed_by__isnull=False)
        .order_by()
        .values("completed_by", "completed_by__name", "completed_by__username")
        .annotate(done=Count("id"), on_time=figures["on_time"])
        .order_by("completed_by__name")
    )
    for row in by_outlet:
        row["on_time_rate"] = _rate(row["on_time"], row["due"])
        row["completion_rate"] = _rate(row["done"], row["due"])
    for row in by_clerk:
        row["on_time_rate"] = _rate(row["on_time"], row["done"])
    by_clerk_id = {r["completed_by"]: {"callbacks": r["done"], "callbacks_on_time": r["on_time"]} for r in by_clerk}
    return {"by_outlet": by_outlet, "by_clerk": by_clerk, "by_clerk_id": by_clerk_id}


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
