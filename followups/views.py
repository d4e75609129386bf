import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import staff_page
from core.errors import ConflictError
from core.messages import flash_refusal
from core.pagination import keyset_page_for
from core.privacy import sees_personal_data
from core.scoping import visible_outlets
from core.validation import parse_day
from followups import selectors, services
from followups.forms import CallbackRequestForm, OutcomeForm, PlanForm
from followups.models import Callback, CallbackPlan
from workorders.selectors import work_order_list

SERVICE_ERRORS = (ValidationError, PermissionDenied, ConflictError)


@staff_page(perm="followups.view_callback")
def call_queue(request):
    """Due and overdue callbacks of the clerk's outlets, oldest first, with counts; the "upcoming" tab
    lists those planned and not yet due, soonest first."""
    upcoming = request.GET.get("tab") == "upcoming"
    callbacks = selectors.upcoming(user=request.user) if upcoming else selectors.call_queue(user=request.user)
    context = {
        "upcoming": upcoming,
        # Oldest due first, 50 at a time (the clerk works from the top; a network-wide backlog can be
        # hundreds per outlet): keyset pages over (due_at, id), the queue index's order.
        "page": keyset_page_for(request, callbacks, key=("due_at", "id")),
        "counts": selectors.queue_counts(user=request.user),
        "findings": list(selectors.findings(user=request.user)[:50])
        if request.user.has_perm("followups.change_callback")
        else [],
    }
    return render(request, "followups/queue.html", context)


def _detail_context(request, callback, form=None) -> dict:
    others = list(selectors.call_queue(user=request.user).filter(customer=callback.customer_id).exclude(pk=callback.pk))
    return {
        "callback": callback,
        "others": others,
        "history": list(selectors.service_history(user=request.user, customer_id=callback.customer_id)[:10]),
        "form": form or OutcomeForm(),
        "mine": callback.status == Callback.Status.CLAIMED and callback.claimed_by_id == request.user.pk,
        "sees_personal_data": sees_personal_data(request.user),
    }


@staff_page(perm="followups.view_callback")
def callback_detail(request, pk: int):
    callback = get_object_or_404(selectors.callback_detail(user=request.user), pk=pk)
    return render(request, "followups/callback.html", _detail_context(request, callback))


@require_POST
@staff_page(perm="followups.change_callback")
def callback_claim(request, pk: int):
    """Take the callback (it is yours for 15 minutes); another clerk who has it keeps it."""
    callback = get_object_or_404(selectors.call_queue_all(user=request.user), pk=pk)
    try:
        services.callback_claim(callback=callback, actor=request.user)
    except SERVICE_ERRORS as exc:
        flash_refusal(request, exc)
    return redirect("callback-detail", pk=pk)


@require_POST
@staff_page(perm="followups.change_callback")
def callback_claim_others(request, pk: int):
    """The customer is on the phone: take their other due callbacks too (those nobody else has)."""
    callback = get_object_or_404(selectors.call_queue_all(user=request.user), pk=pk)
    taken = services.callback_claim_others(callback=callback, actor=request.user)
    messages.success(request, _("%(count)d more callbacks taken for this call.") % {"count": taken})
    return redirect("callback-detail", pk=pk)


def new_order_url(callback, notes: str) -> str:
    query = urlencode({"product": callback.product_id, "outlet": callback.outlet_id, "fault": notes})
    return f"{reverse('intake')}?{query}"


@require_POST
@staff_page(perm="followups.change_callback")
def callback_record(request, pk: int):
    callback = get_object_or_404(selectors.callback_detail(user=request.user), pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.callback_record(callback=callback, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            if services.starts_a_work_order(callback, form.cleaned_data["outcome"]):
                messages.info(request, _("The purchase callback found a fault: confirm the work order for it."))
                return redirect(new_order_url(callback, form.cleaned_data["notes"]))
            return redirect("call-queue")
    callback = get_object_or_404(selectors.callback_detail(user=request.user), pk=pk)
    return render(request, "followups/callback.html", _detail_context(request, callback, form), status=400)


@staff_page(perm="followups.change_callback")
def callback_new(request):
    """Ask for the 30-minute (phone adjustment) or 3-hour (uncertain repair) callback of an order."""
    form = CallbackRequestForm(request.POST or None, initial={"number": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        order = work_order_list(user=request.user).filter(number=form.cleaned_data["number"].strip()).first()
        if order is None:
            form.add_error("number", _("No work order with this number in your outlets."))
        else:
            try:
                made = services.callback_request(
                    work_order=order, trigger=form.cleaned_data["trigger"], actor=request.user
                )
            except SERVICE_ERRORS as exc:
                form.add_service_errors(exc)
            else:
                if made:
                    messages.success(request, _("The callback is planned."))
                else:
                    messages.info(request, _("That callback is planned already."))
                return redirect("call-queue")
    return render(request, "followups/new.html", {"form": form})


@staff_page(perm="followups.view_callback_measures")
def callback_measures(request):
    """On-time and completion rates per outlet and clerk for a period (default: the last 30 days)."""
    today = timezone.localdate()
    since = parse_day(request.GET.get("from")) or today - dt.timedelta(days=30)
    until = parse_day(request.GET.get("to")) or today
    start = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    context = {
        "since": since,
        "until": until,
        "grace_minutes": int(selectors.OVERDUE_AFTER.total_seconds() // 60),
        **selectors.measures(outlets=visible_outlets(request.user), since=start, until=end),
    }
    return render(request, "followups/measures.html", context)


@staff_page(perm="followups.view_callbackplan")
def plan_list(request):
    """The callback plans and calling windows."""
    context = {
        "plans": CallbackPlan.objects.select_related("category").order_by("trigger", "offset_minutes"),
        "windows": services.calling_windows(),
    }
    return render(request, "followups/plans.html", context)


@staff_page(perm="followups.change_callbackplan")
def plan_edit(request, pk: int):
    plan = get_object_or_404(CallbackPlan, pk=pk)
    form = PlanForm(request.POST or None, initial={f: getattr(plan, f) for f in services.PLAN_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_plan_save(plan=plan, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("callback-plans")
    return render(request, "followups/plan_form.html", {"form": form, "plan": plan})
