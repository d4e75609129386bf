"""Home-page panels this app adds (settings.HOME_PANELS)."""

from django.template.loader import render_to_string

from followups.selectors import queue_counts


def call_queue(request) -> str | None:
    """Due and overdue callbacks for the people who make them."""
    if not request.user.has_perm("followups.change_callback"):
        return None
    counts = queue_counts(user=request.user)
    return render_to_string("followups/includes/home_queue.html", {"counts": counts}, request=request)
