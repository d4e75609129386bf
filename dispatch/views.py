import datetime as dt
from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import staff_page
from core.errors import ConflictError
from core.forms import outlet_choices, sees_many_outlets
from core.messages import act_and_flash, call_and_flash, flash_refusal
from core.pagination import keyset_page_for
from core.prints import render_print
from core.privacy import sees_personal_data
from core.roles import Role
from core.scoping import scope, visible_outlets, visible_staff
from core.validation import parse_day
from dispatch import rules, selectors, services
from dispatch.forms import (
    BookingForm,
    ConfirmForm,
    EngineerProfileForm,
    LateCallForm,
    LatenessForm,
    LendForm,
    LoanerForm,
    NoShowForm,
    PhoneGuidanceForm,
    PlanForm,
    PullBackForm,
    ReassignForm,
    ReassignRequestForm,
    ReorderPointForm,
    ReportForm,
    RequisitionForm,
    RescheduleForm,
    SignOffForm,
    StockCountForm,
    StockReceiveForm,
    TakeLoanerForm,
    TransferRequestForm,
    UnbookForm,
)
from dispatch.models import (
    CHECKLIST,
    Appointment,
    EngineerProfile,
    LoanerUnit,
    PartRequisition,
    PartStock,
    StockPlace,
    StockTransfer,
)
from workorders.selectors import work_order_list

SERVICE_ERRORS = (ValidationError, PermissionDenied, ConflictError)
BOARD_QUEUE_CARDS = 50  # the top of the queue (urgent first, then oldest); the rest in the work-order list


def _day(request) -> dt.date:
    return parse_day(request.GET.get("day")) or timezone.localdate()


def _day_with_neighbours(day: dt.date) -> dict:
    return {"day": day, "previous_day": day - dt.timedelta(days=1), "next_day": day + dt.timedelta(days=1)}


def _outlet_pick(request) -> dict:
    """The outlet the page is narrowed to (none: all the user's) and the outlets to pick from."""
    outlet = _outlet(request)
    return {"outlet": outlet, **outlet_choices(request.user, outlet)}


def _outlet(request):
    outlet_id = request.GET.get("outlet")
    if not outlet_id or not outlet_id.isdigit():
        return None
    return get_object_or_404(visible_outlets(request.user), pk=outlet_id)


# --- Dispatcher: the board ----------------------------------------------------------------------


def _rows_html(rows, day: dt.date) -> list[str]:
    """Each engineer's row: name, jobs against capacity, and the day's appointments as links placed on
    the timeline, with the window, order, customer and status in the tooltip.

    Built here rather than in the template: a board of 200 engineers holds thousands of appointments,
    and the template engine (or format_html for each) costs several times more. Every value from the
    database goes through html.escape; statuses, labels and categories, which repeat, are escaped once.
    """
    detail = reverse("appointment-detail", args=[0]).removesuffix("0/")
    warning = '<i class="bi bi-exclamation-triangle-fill"></i> '
    track = f'data-day="{day:%Y-%m-%d}" data-from="{selectors.DAY_FROM}" data-until="{selectors.DAY_UNTIL}"'
    statuses = {status: (escape(status), escape(label)) for status, label in Appointment.Status.choices}
    reassign_label = escape(_("Reassignment asked for"))
    categories: dict[str, str] = {}
    tz = timezone.get_current_timezone()  # once: timezone.localtime() looks it up again for every call
    view_start = selectors.day_bounds(day)[0] + dt.timedelta(hours=selectors.DAY_FROM)
    span = (selectors.DAY_UNTIL - selectors.DAY_FROM) * 3600 / 100  # seconds per percent of the track
    # A day's appointments fall on a few half-hour slots: each slot's window and place worked out once.
    slots: dict[tuple[dt.datetime, dt.datetime], tuple[str, str]] = {}
    html = []
    for row in rows:
        engineer = row.engineer
        blocks = []
        for b in row.blocks:
            slot = slots.get((b.starts_at, b.ends_at))
            if slot is None:
                start, end = b.starts_at.astimezone(tz), b.ends_at.astimezone(tz)
                left = max(0.0, (b.starts_at - view_start).total_seconds() / span)
                width = min(max(1.5, (b.ends_at - b.starts_at).total_seconds() / span), 100 - left)
                slot = slots[(b.starts_at, b.ends_at)] = (
                    f"{start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d}",
                    f"left: {left:.2f}%; width: {width:.2f}%",
                )
            window, place = slot
            category = categories.get(b.category) or categories.setdefault(b.category, escape(b.category or ""))
            number = escape(b.number)
            status, status_label = statuses[b.status]
            title = f"{window} {number} {escape(b.customer)} · {status_label}"
            flagged = ""
            if b.reassign_requested:
                title = f"{title} · {reassign_label}: {escape(b.reassign_requested)}"
                flagged = " flagged"
            blocks.append(
                f'<a class="board-block {status}{flagged}" style="{place}" '
                f'href="{detail}{b.pk}/" data-testid="block-{number}" title="{title}">'
                f"{warning if flagged else ''}{window[:5]} {category}</a>"
            )
        html.append(
            mark_safe(  # noqa: S308 (each interpolated value is escaped)
                f'<div class="d-flex gap-2 mb-1 align-items-center" data-engineer="{engineer.user_id}">'
                f'<div class="board-name small"><div class="fw-semibold text-truncate">{escape(engineer.name)}</div>'
                f'<div class="text-body-secondary">{row.jobs}/{engineer.daily_capacity} · {escape(engineer.base_area)}'
                f"</div></div>"
                f'<div class="board-track flex-grow-1" data-engineer="{engineer.user_id}" {track}>{"".join(blocks)}'
                "</div></div>"
            )
        )
    return html


def _board_rows(request, day: dt.date, outlet, after: int | None) -> dict:
    """A page of the board's engineer rows and the address of the next page, which the page's htmx
    fetches when the dispatcher scrolls to its end."""
    roster, next_after = selectors.board_engineers(user=request.user, outlet=outlet, after=after)
    more_url = None
    if next_after is not None:
        query = {"day": day.isoformat(), "after": next_after} | ({"outlet": outlet.pk} if outlet else {})
        more_url = f"{reverse('dispatch-board-rows')}?{urlencode(query)}"
    return {"rows": _rows_html(selectors.board(roster=roster, day=day), day), "more_url": more_url}


@staff_page(perm="dispatch.dispatch_appointment")
def board(request):
    """A day by engineer, with the queue of orders waiting for an engineer."""
    day, picked = _day(request), _outlet_pick(request)
    outlet = picked["outlet"]
    context = {
        **_day_with_neighbours(day),
        **picked,
        **_board_rows(request, day, outlet, after=None),
        "hours": range(selectors.DAY_FROM, selectors.DAY_UNTIL),
        "hour_width": 100 / (selectors.DAY_UNTIL - selectors.DAY_FROM),
    }
    return render(request, "dispatch/board.html", context)


@staff_page(perm="dispatch.dispatch_appointment")
def board_rows(request):
    """A page of the board's engineer rows, for htmx: the first, or the one `?after=` the user id of the
    previous page's last engineer."""
    after = request.GET.get("after")
    if after is not None and not after.isdigit():
        raise Http404
    context = _board_rows(request, _day(request), _outlet(request), after=after and int(after))
    return render(request, "dispatch/includes/board_rows.html", context)


@staff_page(perm="dispatch.dispatch_appointment")
def board_queue(request):
    """The board's queue of orders waiting for an engineer, for htmx: the page loads it and again every
    minute, so orders taken on the hotline appear without reloading the board."""
    waiting = selectors.board_queue(user=request.user)
    context = {"queue": list(waiting[:BOARD_QUEUE_CARDS]), "waiting": waiting.count(), "day": _day(request)}
    return render(request, "dispatch/includes/board_queue.html", context)


@staff_page(perm="dispatch.dispatch_appointment")
def board_week(request):
    first_day, picked = _day(request), _outlet_pick(request)
    days, rows = selectors.week(user=request.user, first_day=first_day, outlet=picked["outlet"])
    context = {
        "days": days,
        "rows": rows,
        **picked,
        "previous_week": first_day - dt.timedelta(days=7),
        "next_week": first_day + dt.timedelta(days=7),
    }
    return render(request, "dispatch/week.html", context)


def _booking_initial(request, suggestions, day: dt.date) -> dict:
    """The engineer and time picked on the board (dragged or clicked), else the best suggestion."""
    picked = parse_time(request.GET.get("start") or "")
    if request.GET.get("engineer") and picked:
        start = dt.datetime.combine(day, picked)
        return {
            "engineer": request.GET["engineer"],
            "day": day,
            "start": picked,
            "end": (start + rules.BOOKING_LENGTH).time(),
        }
    if suggestions and suggestions[0].candidate.free_start:
        best = suggestions[0].candidate
        start = timezone.localtime(best.free_start)
        return {
            "engineer": best.engineer_id,
            "day": start.date(),
            "start": start.time(),
            "end": (start + rules.BOOKING_LENGTH).time(),
        }
    return {"day": day}


def _wanted(order, day: dt.date) -> dt.datetime:
    """The time the customer asked for, else 09:00 of the day on the board."""
    if order.requested_time and timezone.localtime(order.requested_time).date() >= timezone.localdate():
        return order.requested_time
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@staff_page(perm="dispatch.dispatch_appointment")
def assign(request, pk: int):
    """Suggestions for one order and the booking form; "check" shows conflicts without saving."""
    order = get_object_or_404(work_order_list(user=request.user).select_related("outlet__centre"), pk=pk)
    day = _day(request)
    wanted = _wanted(order, day)
    suggestions = selectors.suggestions(user=request.user, order=order, wanted=wanted, length=rules.BOOKING_LENGTH)
    next_free = None
    if not suggestions:
        after = timezone.localtime(wanted).date()
        next_free = selectors.next_free_slot(user=request.user, order=order, after=after, length=rules.BOOKING_LENGTH)
    form = BookingForm(
        request.POST or None, user=request.user, order=order, initial=_booking_initial(request, suggestions, day)
    )
    problems, checked = [], False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        window = {"engineer": data["engineer"], "starts_at": data["starts_at"], "ends_at": data["ends_at"]}
        if "check" in request.POST:
            problems = services.appointment_check(work_order=order, actor=request.user, **window)
            checked = True
        else:
            try:
                appointment = services.appointment_book(work_order=order, actor=request.user, **window)
            except SERVICE_ERRORS as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Order %(number)s booked with %(engineer)s.")
                    % {"number": order.number, "engineer": data["engineer"]},
                )
                target = f"{reverse('dispatch-board')}?day={timezone.localtime(appointment.starts_at).date()}"
                if request.htmx:
                    return HttpResponse(headers={"HX-Redirect": target})
                return redirect(target)
    context = {
        "order": order,
        "form": form,
        "suggestions": suggestions,
        "next_free": next_free,
        "wanted": wanted,
        "problems": problems,
        "checked": checked,
        "day": day,
    }
    template = "dispatch/includes/assign.html" if request.htmx else "dispatch/assign.html"
    return render(request, template, context)


@staff_page(perm="dispatch.view_appointment")
def appointment_detail(request, pk: int):
    appointment = get_object_or_404(selectors.appointment_detail(user=request.user), pk=pk)
    return render(request, "dispatch/appointment.html", _appointment_context(request, appointment))


def _appointment_context(request, appointment, **forms) -> dict:
    local = timezone.localtime(appointment.starts_at)
    version = {"version": appointment.version}
    return {
        "appointment": appointment,
        "order": appointment.work_order,
        "sees_personal_data": sees_personal_data(request.user),
        "can_dispatch": request.user.has_perm("dispatch.dispatch_appointment")
        and appointment.status == Appointment.Status.BOOKED,
        "reschedule_form": forms.get("reschedule")
        or RescheduleForm(
            initial=version
            | {"day": local.date(), "start": local.time(), "end": timezone.localtime(appointment.ends_at).time()}
        ),
        "reassign_form": forms.get("reassign")
        or ReassignForm(initial=version, user=request.user, appointment=appointment),
        "unbook_form": forms.get("unbook") or UnbookForm(),
    }


@require_POST
@staff_page(perm="dispatch.dispatch_appointment")
def appointment_change(request, pk: int, action: str):
    """Reschedule (改约), reassign (改派) or take back an appointment; errors shown next to the fields."""
    appointment = get_object_or_404(selectors.appointment_detail(user=request.user), pk=pk)
    if action == "reschedule":
        form = RescheduleForm(request.POST)
    elif action == "reassign":
        form = ReassignForm(request.POST, user=request.user, appointment=appointment)
    elif action == "unbook":
        form = UnbookForm(request.POST)
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "reschedule":
                services.appointment_reschedule(
                    appointment=appointment,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                    customer_agreed=data["customer_agreed"],
                    expected_version=data["version"],
                    actor=request.user,
                )
            elif action == "reassign":
                services.appointment_reassign(
                    appointment=appointment,
                    engineer=data["engineer"],
                    reason=data["reason"],
                    customer_agreed=data["customer_agreed"],
                    expected_version=data["version"],
                    actor=request.user,
                )
            else:
                services.appointment_unbook(appointment=appointment, reason=data["reason"], actor=request.user)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("appointment-detail", pk=pk)
    context = _appointment_context(request, appointment, **{action: form})
    return render(request, "dispatch/appointment.html", context, status=400)


@staff_page(perm="dispatch.reconcile_appointment")
def reconciliation(request):
    """对帐: each engineer's visits of a day against their signed records; gaps listed for follow-up."""
    day, picked = _day(request), _outlet_pick(request)
    outlet = picked["outlet"]
    context = {
        **_day_with_neighbours(day),
        **picked,
        "rows": selectors.reconciliation(user=request.user, day=day, outlet=outlet),
    }
    return render(request, "dispatch/reconciliation.html", context)


@staff_page(perm="dispatch.view_engineerprofile")
def engineer_list(request):
    """Every field engineer the user may see, with their profile (or none yet)."""
    engineers = (
        visible_staff(request.user)
        .filter(groups__name=Role.ENGINEER)
        .select_related("engineer_profile")
        .prefetch_related("outlets", "engineer_profile__skills")
        .order_by("-is_active", "name")
    )
    return render(request, "dispatch/engineers.html", {"engineers": engineers})


@staff_page(perm="dispatch.change_engineerprofile")
def engineer_edit(request, user_pk: int):
    engineer = get_object_or_404(visible_staff(request.user).filter(is_active=True), pk=user_pk)
    profile = EngineerProfile.objects.filter(user=engineer).prefetch_related("skills").first()
    initial = (
        {
            "skills": list(profile.skills.all()),
            "service_types": profile.service_types,
            "work_start": profile.work_start,
            "work_end": profile.work_end,
            "days_off": profile.days_off,
            "daily_capacity": profile.daily_capacity,
            "base_area": profile.base_area,
            "active": profile.active,
        }
        if profile
        else {"work_start": dt.time(8, 30), "work_end": dt.time(18), "daily_capacity": 8, "active": True}
    )
    form = EngineerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _saved(request, form, services.engineer_profile_save, engineer=engineer, then="engineer-list")
        if saved:
            return saved
    return render(request, "dispatch/engineer_form.html", {"form": form, "engineer": engineer})


# --- Engineer: today's jobs and the visit ----------------------------------------------------------


@staff_page(perm="dispatch.visit_appointment")
def my_jobs(request):
    day = _day(request)
    jobs = list(selectors.engineer_jobs(user=request.user, day=day))
    context = {**_day_with_neighbours(day), "jobs": jobs}
    return render(request, "dispatch/my_jobs.html", context)


# step -> (form class, service); the services check that the caller is the appointment's engineer.
VISIT_STEPS = {
    "confirm": (ConfirmForm, services.visit_confirm),
    "plan": (PlanForm, services.visit_plan),
    "ask-reassign": (ReassignRequestForm, services.appointment_request_reassign),
    "late-call": (LateCallForm, services.visit_late_call),
    "phone-guidance": (PhoneGuidanceForm, services.visit_phone_guidance),
    "lateness": (LatenessForm, services.visit_lateness),
    "no-show": (NoShowForm, services.visit_no_show),
    "report": (ReportForm, services.visit_report_save),
    "sign-off": (SignOffForm, services.visit_sign_off),
}


def _own_job(request, pk: int) -> Appointment:
    return get_object_or_404(
        selectors.appointment_detail(user=request.user).filter(engineer=request.user).select_related("report"), pk=pk
    )


def _job_context(request, appointment, bound=None) -> dict:
    report = getattr(appointment, "report", None)
    forms = {
        "confirm": ConfirmForm(
            initial={"confirmation": appointment.confirmation, "note": appointment.confirmation_note}
        ),
        "plan": PlanForm(initial={"travel_minutes": appointment.travel_minutes}),
        "ask_reassign": ReassignRequestForm(),
        "phone_guidance": PhoneGuidanceForm(),
        "lateness": LatenessForm(
            initial={"apology_made": appointment.apology_made, "gift_given": appointment.gift_given}
        ),
        "no_show": NoShowForm(),
        "report": ReportForm(initial=ReportForm.initial_from(report, appointment.work_order.quote_total)),
        "sign_off": SignOffForm(initial={"satisfied": "yes"}),
        "request_part": RequisitionForm(),
        "pull_back": PullBackForm(outlet=appointment.outlet_id, initial={"loaner": appointment.loaner_id}),
        "take_loaner": TakeLoanerForm(outlet=appointment.outlet_id, initial={"loaner": appointment.loaner_id}),
    }
    if bound:
        step, form = bound
        forms[step.replace("-", "_")] = form
    return {
        "appointment": appointment,
        "order": appointment.work_order,
        "report": report,
        "requisitions": PartRequisition.objects.filter(work_order=appointment.work_order_id).select_related("part"),
        "requisition_actions_issued": [("use", _("Used")), ("return", _("Return to stock"))],
        "forms": forms,
        "running_late": selectors.running_late(appointment),
        "report_fields": [
            f
            for f in forms["report"]
            if not f.name.startswith(("check_", "why_"))
            and f.name not in ("no_test_run", "fee_consent", "consent_total")
        ],
        "checklist_unanswered": [CHECKLIST[code] for code in services.checklist_unanswered(report)],
    }


@staff_page(perm="dispatch.visit_appointment")
def job_detail(request, pk: int):
    appointment = _own_job(request, pk)
    return render(request, "dispatch/job.html", _job_context(request, appointment))


@require_POST
@staff_page(perm="dispatch.visit_appointment")
def job_step(request, pk: int, step: str):
    """One step of the visit; on an error the page comes back with what was typed and the message."""
    appointment = _own_job(request, pk)
    if step in ("departed", "arrived", "started", "finished"):
        try:
            services.visit_event(appointment=appointment, event=step, actor=request.user)
        except SERVICE_ERRORS as exc:
            flash_refusal(request, exc)
        return redirect("job-detail", pk=pk)
    if step == "request-part":
        form = RequisitionForm(request.POST)
        target = {"work_order": appointment.work_order}
        service = services.part_requisition_request
    elif step in ("pull-back", "take-loaner"):
        form_class = PullBackForm if step == "pull-back" else TakeLoanerForm
        form = form_class(request.POST, outlet=appointment.outlet_id)
        target = {"appointment": appointment}
        service = services.visit_pull_back if step == "pull-back" else services.visit_take_loaner
    elif step in VISIT_STEPS:
        form_class, service = VISIT_STEPS[step]
        form = form_class(request.POST)
        target = {"appointment": appointment}
    else:
        raise Http404
    if form.is_valid():
        kwargs = form.service_kwargs() if isinstance(form, ReportForm) else form.cleaned_data
        try:
            service(actor=request.user, **target, **kwargs)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("job-detail", pk=pk)
    appointment = _own_job(request, pk)
    return render(request, "dispatch/job.html", _job_context(request, appointment, (step, form)), status=400)


REQUISITION_ACTIONS = {
    "issue": services.part_requisition_issue,
    "use": services.part_requisition_use,
    "return": services.part_requisition_return,
    "cancel": services.part_requisition_cancel,
}


@require_POST
@staff_page(perm="dispatch.view_partrequisition")
def requisition_act(request, pk: int, action: str):
    """Issue, use, return or cancel a parts requisition; back to the page it was done from."""
    if action not in REQUISITION_ACTIONS:
        raise Http404
    requisition = get_object_or_404(scope(PartRequisition.objects.all(), request.user), pk=pk)
    call_and_flash(request, REQUISITION_ACTIONS[action], success=_("Saved."), requisition=requisition)
    return redirect(_safe_next(request, reverse("parts")))


def _saved(request, form, service, *, then: str, **arguments):
    """Call `service` with the form's values (and `arguments`): "Saved." and a redirect to `then`, or None with
    the service's refusal shown on the form."""
    try:
        service(actor=request.user, **arguments, **form.cleaned_data)
    except SERVICE_ERRORS as exc:
        form.add_service_errors(exc)
        return None
    messages.success(request, _("Saved."))
    return redirect(then)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else default


@staff_page(perm="dispatch.view_partrequisition")
def parts(request):
    """The centre's parts desk: requisitions to issue, use or return (stock is on the stock page)."""
    status = request.GET.get("status", PartRequisition.Status.REQUESTED)
    requisitions = scope(
        PartRequisition.objects.select_related(
            "part", "work_order", "outlet", "requested_by", "drawn_from__engineer", "drawn_from__outlet"
        ),
        request.user,
    ).filter(status=status)
    page = keyset_page_for(request, requisitions, key="id", descending=True)
    context = {
        "page": page,
        "status": status,
        "statuses": PartRequisition.Status.choices,
        "can_issue": request.user.has_perm("dispatch.issue_partrequisition"),
    }
    return render(request, "dispatch/parts.html", context)


def _stock_forms(request, places) -> dict:
    """The stock page's two forms; the one posted (by its `form` field) is bound."""
    posted = request.POST.get("form") if request.method == "POST" else None
    return {
        "receive": StockReceiveForm(
            request.POST if posted == "receive" else None, user=request.user, places=places, prefix="receive"
        ),
        "reorder": ReorderPointForm(request.POST if posted == "reorder" else None, user=request.user, prefix="reorder"),
    }


STOCK_SERVICES = {"receive": services.stock_receive, "reorder": services.reorder_point_set}


@staff_page(perm="dispatch.view_partstock")
def stock_place_options(request):
    """The stock places a place picker offers for the words typed (core.forms.SearchSelect): the user's
    warehouses, outlets and vans by name or code, twenty at most."""
    words = request.GET.get("q", "").strip()[:40]
    return JsonResponse({"results": selectors.places_matching(request.user, words)})


@staff_page(perm="dispatch.view_partstock")
def stock(request):
    """Parts stock at the three levels the user sees, by level and bin; `?reorder=1` is the list of what
    the outlets are to reorder, each with a button that orders the shortfall from the centre."""
    can_change = request.user.has_perm("dispatch.change_partstock")
    places = selectors.place_choices(request.user) if can_change and not sees_many_outlets(request.user) else []
    forms = _stock_forms(request, places)
    posted = request.POST.get("form")
    if request.method == "POST":
        if not can_change or posted not in forms:
            raise PermissionDenied
        form = forms[posted]
        if form.is_valid():
            saved = _saved(request, form, STOCK_SERVICES[posted], then=request.get_full_path())
            if saved:
                return saved
    level = request.GET.get("level", "")
    level = level if level in StockPlace.Level.values else ""
    bin_ = request.GET.get("bin", "")
    bin_ = bin_ if bin_ in PartStock.Bin.values else ""
    to_reorder = request.GET.get("reorder") == "1"
    place = request.GET.get("place", "")
    rows = selectors.stock_list(user=request.user, level=level, bin=bin_, to_reorder=to_reorder, place=place)
    page = keyset_page_for(request, rows, key="id")
    prices = selectors.part_prices()
    for row in page.items:
        row.price = prices.get(row.part.code)
        row.shortfall = rules.reorder_shortfall(
            in_stock=row.quantity, on_the_way=row.on_the_way, reorder_point=row.reorder_point
        )
        row.key = services.place_key(row.place)
        row.warehouse_key = f"centre-{row.place.centre_id}"
    context = {
        "page": page,
        "level": level,
        "bin": bin_,
        "to_reorder": to_reorder,
        "levels": StockPlace.Level.choices,
        "bins": PartStock.Bin.choices,
        "forms": forms if can_change else {},
        "can_order": request.user.has_perm("dispatch.add_stocktransfer"),
        "query": urlencode(
            {k: v for k, v in (("level", level), ("bin", bin_), ("reorder", "1" if to_reorder else "")) if v}
        ),
    }
    return render(request, "dispatch/stock.html", context)


@staff_page(perm="dispatch.view_partstock")
def stock_detail(request, pk: int):
    """One stock row and its movements, newest first; the count corrected by whoever keeps it."""
    row = get_object_or_404(selectors.stock_detail(user=request.user), pk=pk)
    can_count = request.user.has_perm("dispatch.change_partstock") and services.acts_for(request.user, row.place)
    form = StockCountForm(request.POST or None)
    if request.method == "POST":
        if not can_count:
            raise PermissionDenied
        if form.is_valid():
            saved = _saved(request, form, services.stock_count, then=request.path, stock=row)
            if saved:
                return saved
    page = keyset_page_for(request, selectors.stock_movements(row), key="id", descending=True)
    return render(
        request, "dispatch/stock_detail.html", {"row": row, "page": page, "form": form, "can_count": can_count}
    )


@staff_page(perm="dispatch.view_stocktransfer")
def transfers(request):
    """Transfers from and to the user's places, by status, with the form that requests one; a row
    ships from the source, is received at the destination, or is cancelled before it ships."""
    can_request = request.user.has_perm("dispatch.add_stocktransfer")
    form = TransferRequestForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        if form.is_valid():
            saved = _saved(request, form, services.transfer_request, then=reverse("stock-transfers"))
            if saved:
                return saved
    status = request.GET.get("status", StockTransfer.Status.REQUESTED)
    rows = selectors.transfer_list(user=request.user).filter(status=status)
    page = keyset_page_for(request, rows, key="id", descending=True)
    for transfer in page.items:
        transfer.can_ship = services.acts_for(request.user, transfer.source)
        transfer.can_receive = services.acts_for(request.user, transfer.destination)
    context = {
        "page": page,
        "status": status,
        "statuses": StockTransfer.Status.choices,
        "form": form,
        "can_request": can_request,
        "can_move": request.user.has_perm("dispatch.change_stocktransfer"),
    }
    return render(request, "dispatch/transfers.html", context)


TRANSFER_ACTIONS = {
    "ship": (services.transfer_ship, ("tracking",)),
    "receive": (services.transfer_receive, ()),
    "cancel": (services.transfer_cancel, ("reason",)),
}


@require_POST
@staff_page(perm="dispatch.change_stocktransfer")
def transfer_act(request, pk: int, action: str):
    """Ship, receive or cancel a transfer; back to the transfers page."""
    if action not in TRANSFER_ACTIONS:
        raise Http404
    transfer = get_object_or_404(selectors.transfer_list(user=request.user), pk=pk)
    service, fields = TRANSFER_ACTIONS[action]
    values = {name: request.POST.get(name, "") for name in fields}
    call_and_flash(request, service, success=_("Saved."), transfer=transfer, **values)
    return redirect(_safe_next(request, reverse("stock-transfers")))


@staff_page(perm="dispatch.view_loanerunit")
def loaners(request):
    """Loaner units of the outlets: available, out with a customer (overdue first), in repair."""
    form = LoanerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _saved(request, form, services.loaner_register, then="loaners")
        if saved:
            return saved
    units = scope(
        LoanerUnit.objects.select_related("outlet", "work_order", "work_order__customer", "category"), request.user
    ).order_by("status", "due_back", "serial")
    context = {
        "units": units[:500],
        "today": timezone.localdate(),
        "form": form,
        "can_register": request.user.has_perm("dispatch.add_loanerunit"),
        "can_change": request.user.has_perm("dispatch.change_loanerunit"),
    }
    return render(request, "dispatch/loaners.html", context)


@require_POST
@staff_page(perm="dispatch.change_loanerunit")
def loaner_lend(request, pk: int):
    """Lend a loaner to the customer of an order that waits (the home page's legal clocks)."""
    order = get_object_or_404(work_order_list(user=request.user), pk=pk)
    form = LendForm(request.POST, outlet=order.outlet_id, prefix=f"o{order.pk}")
    act_and_flash(request, form, services.loaner_lend, success=_("Loaner lent."), work_order=order)
    return redirect("home")


LOANER_ACTIONS = {
    "return": lambda loaner, actor: services.loaner_return(loaner=loaner, actor=actor),
    "repair": lambda loaner, actor: services.loaner_set_in_repair(loaner=loaner, in_repair=True, actor=actor),
    "repaired": lambda loaner, actor: services.loaner_set_in_repair(loaner=loaner, in_repair=False, actor=actor),
}


@require_POST
@staff_page(perm="dispatch.change_loanerunit")
def loaner_act(request, pk: int, action: str):
    """A loaner came back, goes to repair, or is repaired."""
    if action not in LOANER_ACTIONS:
        raise Http404
    loaner = get_object_or_404(scope(LoanerUnit.objects.all(), request.user), pk=pk)
    try:
        LOANER_ACTIONS[action](loaner, request.user)
    except SERVICE_ERRORS as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("loaners")


@staff_page(perm="dispatch.view_appointment")
def service_record(request, pk: int):
    """The printable on-site service record (上门服务单) the customer signed."""
    appointment = get_object_or_404(
        selectors.appointment_detail(user=request.user).select_related("report__loaner", "work_order__outlet"), pk=pk
    )
    return render_print(
        request,
        "dispatch/print/service_record.html",
        {"appointment": appointment, "order": appointment.work_order, "report": getattr(appointment, "report", None)},
    )
