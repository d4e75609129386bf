"""Home-page panels this app adds (settings.HOME_PANELS)."""

from django.template.loader import render_to_string
from django.utils import timezone

from dispatch import selectors
from dispatch.models import Appointment


def todays_jobs(request) -> str | None:
    """An engineer's jobs of today, in order."""
    if not request.user.has_perm("dispatch.visit_appointment"):
        return None
    jobs = list(selectors.engineer_jobs(user=request.user, day=timezone.localdate()))
    return render_to_string("dispatch/includes/home_jobs.html", {"jobs": jobs}, request=request)


def needs_dispatcher(request) -> str | None:
    """Upcoming appointments the dispatcher must act on: reassignment asked for by the engineer or
    a customer who wants another time."""
    if not request.user.has_perm("dispatch.dispatch_appointment"):
        return None
    flagged = list(
        selectors.appointment_list(user=request.user)
        .filter(status=Appointment.Status.BOOKED, ends_at__gte=timezone.now())
        .exclude(reassign_requested="")
        .order_by("starts_at")[:20]
    )
    return render_to_string("dispatch/includes/home_flagged.html", {"flagged": flagged}, request=request)
