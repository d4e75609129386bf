"""Read side of the call queue."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.scoping import scope
from followups.models import Callback
from workorders.models import CustomerPhone, WorkOrder
from workorders.selectors import work_order_list

OVERDUE_AFTER = timedelta(hours=2)  # due this long ago and still not made


def call_queue(*, user) -> QuerySet[Callback]:
    """Callbacks of the user's outlets waiting for a call (or being called), oldest due first."""
    return (
        scope(Callback.objects.filter(status__in=[Callback.Status.QUEUED, Callback.Status.CLAIMED]), user)
        .select_related("plan", "customer", "product", "product__category", "work_order", "claimed_by", "outlet")
        .order_by("due_at", "id")
    )


def queue_counts(*, user) -> dict[str, int]:
    """Due, overdue and claimed-by-me counts in one query."""
    now = timezone.now()
    return scope(Callback.objects.filter(status__in=[Callback.Status.QUEUED, Callback.Status.CLAIMED]), user).aggregate(
        due=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now - OVERDUE_AFTER)),
        mine=Count("id", filter=Q(status=Callback.Status.CLAIMED, claimed_by=user)),
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
    """Every callback of the user's outlets, whatever its state."""
    return scope(
        Callback.objects.select_related(
            "plan", "customer", "product", "product__category", "work_order", "claimed_by", "outlet"
        ),
        user,
    )


def findings(*, user) -> QuerySet[Callback]:
    """For supervisors: callbacks that failed after every attempt, and records the customer contradicted."""
    return call_queue_all(user=user).filter(Q(status=Callback.Status.FAILED) | Q(finding=True)).order_by("-id")
