"""Home-page panels this app adds (settings.HOME_PANELS)."""

from datetime import timedelta

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from complaints import selectors
from complaints.models import Feedback

PRAISE_PERIOD = timedelta(days=30)


def complaints_to_handle(request) -> str | None:
    """Supervisors: the cases they own, escalated cases oldest first and remedies waiting for their approval."""
    if not request.user.has_perm("complaints.escalate_complaintcase"):
        return None
    context = {
        "mine": list(selectors.my_cases(user=request.user)[:10]),
        "escalated": list(selectors.escalated_queue(user=request.user)[:10]),
        "approvals": list(selectors.pending_approvals(user=request.user)[:10]),
    }
    return render_to_string("complaints/includes/home_complaints.html", context, request=request)


def praise(request) -> str | None:
    """Praise of the last 30 days: your own, and for supervisors, per staff member of their outlets."""
    if not request.user.has_perm("complaints.view_feedback"):
        return None
    since = timezone.now() - PRAISE_PERIOD
    recent = Feedback.objects.filter(type=Feedback.Type.PRAISE, created_at__gte=since)
    mine = list(recent.filter(praised_staff=request.user).order_by("-id")[:5])
    team = []
    if request.user.has_perm("complaints.change_feedback"):
        team = list(
            selectors.feedback_list(user=request.user)
            .filter(type=Feedback.Type.PRAISE, created_at__gte=since)
            .order_by()
            .values_list("praised_staff__name", "praised_staff__username")
            .annotate(n=Count("id"))
            .order_by("-n", "praised_staff__name")[:10]
        )
    if not mine and not team:
        return None
    return render_to_string("complaints/includes/home_praise.html", {"mine": mine, "team": team}, request=request)
