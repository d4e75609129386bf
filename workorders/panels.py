"""Home-page panels this app adds (settings.HOME_PANELS)."""

from django.db.models import Count
from django.template.loader import render_to_string

from core.roles import Role
from workorders.lifecycle import Status
from workorders.selectors import complaint_risks as risky_orders
from workorders.selectors import open_slips_for, pending_waivers, work_order_list


def message_slips(request) -> str | None:
    """Open message slips for the user (or their role), on every role's home page."""
    if not request.user.has_perm("workorders.view_messageslip"):
        return None
    slips = list(open_slips_for(user=request.user)[:10])
    return render_to_string("workorders/includes/home_slips.html", {"slips": slips, "next": "home"}, request=request)


# Which queues each role watches from its home page (statuses, in order).
ROLE_QUEUES = {
    Role.FRONT_DESK: [Status.RECEIVED, Status.AWAITING_APPROVAL, Status.IN_SERVICE, Status.REPAIRED],
    Role.HOTLINE: [Status.RECEIVED, Status.AWAITING_DISPATCH, Status.AWAITING_CALLBACK],
    Role.DISPATCHER: [Status.AWAITING_DISPATCH, Status.SCHEDULED],
    Role.ENGINEER: [Status.SCHEDULED, Status.IN_SERVICE, Status.AWAITING_PARTS],
    Role.SUPERVISOR: [Status.AWAITING_DISPATCH, Status.AWAITING_PARTS, Status.AWAITING_CALLBACK],
    Role.ADMIN: [],
}


def work_queues(request) -> str | None:
    """Counts of the user's outlets' open orders in the states their role acts on, one query."""
    statuses = ROLE_QUEUES.get(request.user.role, [])
    if not statuses or not request.user.has_perm("workorders.view_workorder"):
        return None
    counts = dict(
        work_order_list(user=request.user)
        .filter(status__in=statuses)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    queues = [(status, counts.get(status, 0)) for status in statuses]
    return render_to_string("workorders/includes/home_queues.html", {"queues": queues}, request=request)


def waivers_to_decide(request) -> str | None:
    """Charge waivers waiting for a supervisor of these outlets."""
    if not request.user.has_perm("workorders.decide_chargewaiver"):
        return None
    waivers = list(pending_waivers(user=request.user)[:20])
    return render_to_string("workorders/includes/home_waivers.html", {"waivers": waivers}, request=request)


def complaint_risks(request) -> str | None:
    """Supervisors: open orders of units that came in twice or more for the same fault, before anyone complains."""
    if request.user.role != Role.SUPERVISOR:
        return None
    orders = list(risky_orders(user=request.user)[:10])
    return render_to_string("workorders/includes/home_risks.html", {"orders": orders}, request=request)
