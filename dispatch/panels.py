"""Panels this app adds to the home page (settings.HOME_PANELS) and to a work order's page
(settings.ORDER_PANELS)."""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from core.roles import Role
from dispatch import selectors
from dispatch.forms import LendForm
from dispatch.models import Appointment, LoanerUnit
from workorders.lifecycle import OPEN_STATUSES
from workorders.selectors import work_order_list
from workorders.services import clocks_warning_day

CLOCK_ORDERS = 20


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
        .select_related(None)  # a line shows the order's number and the engineer: two tables to plan, not five
        .select_related("work_order", "engineer")
        .filter(status=Appointment.Status.BOOKED, ends_at__gte=timezone.now())
        .exclude(reassign_requested="")
        .order_by("starts_at")[:20]
    )
    return render_to_string("dispatch/includes/home_flagged.html", {"flagged": flagged}, request=request)


def legal_clocks(request) -> str | None:
    """The outlet supervisor's warning: in-warranty orders whose parts or repair clock runs out within a
    week (三包: past it the product must be exchanged), each with a loaner to lend for the wait."""
    if request.user.role != Role.SUPERVISOR:
        return None
    today = timezone.localdate()
    lent = LoanerUnit.objects.filter(status=LoanerUnit.Status.OUT)
    orders = list(
        work_order_list(user=request.user)
        .filter(clock_limit_on__lte=clocks_warning_day(today), status__in=OPEN_STATUSES)
        .select_related(None)  # a line shows the product's category: two tables to plan, not five
        .select_related("product__category")
        .prefetch_related(Prefetch("loaners", queryset=lent, to_attr="lent_loaners"))
        .order_by("clock_limit_on", "id")[:CLOCK_ORDERS]
    )
    free = {}
    if request.user.has_perm("dispatch.change_loanerunit"):
        available = LoanerUnit.objects.filter(
            outlet_id__in={o.outlet_id for o in orders}, status=LoanerUnit.Status.AVAILABLE
        )
        for loaner in available.order_by("serial"):
            free.setdefault(loaner.outlet_id, []).append(loaner)
    for order in orders:
        order.days_left = (order.clock_limit_on - today).days - 1
        order.free_loaners = free.get(order.outlet_id, [])
        if order.free_loaners and not order.lent_loaners:
            order.lend_form = LendForm(outlet=order.outlet_id, prefix=f"o{order.pk}")
            # The outlet's free loaners read once for the whole panel, not once per form.
            order.lend_form.fields["loaner"].choices = [("", "---------")] + [
                (loaner.pk, str(loaner)) for loaner in order.free_loaners
            ]
    context = {"orders": orders, "today": today}
    return render_to_string("dispatch/includes/home_clocks.html", context, request=request)


def order_visits(request, order) -> str | None:
    """The order's on-site visits: who went when, and what the customer signed (sign-off with ratings, a
    product taken away), with the printed service record of each."""
    visits = list(selectors.order_visits(user=request.user, order=order))
    if not visits:
        return None
    return render_to_string("dispatch/includes/order_visits.html", {"visits": visits}, request=request)
