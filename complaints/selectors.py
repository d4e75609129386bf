"""Read side of complaints: lists, the supervisors' queue, one case with everything around it."""

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from complaints.models import BadFaithFlag, CaseStep, ComplaintCase, Feedback, Remedy
from core.scoping import scope
from followups.models import Callback
from followups.selectors import call_queue_all


def case_list(*, user) -> QuerySet[ComplaintCase]:
    return scope(
        ComplaintCase.objects.select_related("customer", "outlet", "handler", "work_order", "confirmation_callback"),
        user,
    )


def escalated_queue(*, user) -> QuerySet[ComplaintCase]:
    """Escalated cases not closed, oldest escalation first (the supervisors' queue)."""
    return (
        case_list(user=user)
        .select_related(None)  # a line shows the customer: PostgreSQL plans this anew on every home page
        .select_related("customer")
        .filter(escalated_at__isnull=False)
        .exclude(status=ComplaintCase.Status.CLOSED)
        .order_by("escalated_at", "id")
    )


def my_cases(*, user) -> QuerySet[ComplaintCase]:
    """The open cases the user owns, the most urgent deadline first (the handler's index)."""
    return (
        ComplaintCase.objects.filter(handler=user)
        .exclude(status=ComplaintCase.Status.CLOSED)
        .select_related("customer", "outlet", "opened_by")
        .order_by("close_due", "id")
    )


# Age of open cases, in days since opening: [from, until) with None for "and older".
AGE_BUCKETS = [(0, 1, _("under a day")), (1, 3, _("1–3 days")), (3, 7, _("3–7 days")), (7, None, _("a week or more"))]


def open_case_counts(*, user, now: datetime) -> dict:
    """Open cases of the user's outlets by outlet, by category and by age (three aggregate queries)."""
    open_cases = case_list(user=user).exclude(status=ComplaintCase.Status.CLOSED).order_by()
    by_outlet = open_cases.values_list("outlet__name").annotate(n=Count("id")).order_by("-n", "outlet__name")
    by_category = open_cases.values_list("category").annotate(n=Count("id")).order_by("-n", "category")
    ages = open_cases.aggregate(
        **{
            f"age{i}": Count(
                "id",
                filter=Q(opened_at__lte=now - timedelta(days=start))
                & (Q() if end is None else Q(opened_at__gt=now - timedelta(days=end))),
            )
            for i, (start, end, _label) in enumerate(AGE_BUCKETS)
        }
    )
    return {
        "by_outlet": list(by_outlet),
        "by_category": [(ComplaintCase.Category(c).label, n) for c, n in by_category],
        "by_age": [(label, ages[f"age{i}"]) for i, (_s, _e, label) in enumerate(AGE_BUCKETS)],
    }


def case_detail(*, user) -> QuerySet[ComplaintCase]:
    return (
        case_list(user=user)
        .select_related("product__category__warranty_policy")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.select_related("by")),
            Prefetch("remedies", queryset=Remedy.objects.select_related("proposed_by", "decided_by")),
            Prefetch(
                "customer__bad_faith_flags", queryset=BadFaithFlag.objects.filter(active=True).select_related("set_by")
            ),
            "customer__phones",
        )
    )


def earlier_cases(*, user, case: ComplaintCase) -> QuerySet[ComplaintCase]:
    return case_list(user=user).filter(customer=case.customer_id).exclude(pk=case.pk).order_by("-id")


def customer_callbacks(*, user, customer_id: int) -> QuerySet[Callback]:
    """The customer's callbacks at the user's outlets, newest first (their satisfaction history)."""
    return call_queue_all(user=user).filter(customer_id=customer_id).order_by("-id")


def pending_approvals(*, user) -> QuerySet[Remedy]:
    return scope(
        Remedy.objects.filter(status=Remedy.Status.AWAITING_APPROVAL).select_related("case", "proposed_by"),
        user,
        outlet_field="case__outlet",
    ).order_by("id")


def feedback_list(*, user) -> QuerySet[Feedback]:
    return scope(
        Feedback.objects.select_related("outlet", "customer", "work_order", "praised_staff", "created_by"), user
    )
