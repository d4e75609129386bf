from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_trail_for
from core.decorators import staff_page
from core.messages import call_and_flash
from warranty import selectors, services
from warranty.forms import (
    FeeScheduleForm,
    HolidayForm,
    LabourRateFormSet,
    NewFeeScheduleForm,
    PartPriceFormSet,
    PolicyVersionForm,
    QuoteForm,
    WarrantyCheckForm,
    component_months_text,
    formset_rows,
)
from warranty.models import PublicHoliday, WarrantyPolicy
from warranty.services import case_from, warranty_evaluate


@staff_page(perm="warranty.view_warrantypolicy")
def warranty_check(request):
    """Any staff member checks a product's 三包 entitlement by hand; htmx swaps in the result."""
    form = WarrantyCheckForm(request.POST or None, initial={"fault_date": timezone.localdate()})
    evaluation = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = warranty_evaluate(policy_code=data["policy"], case=case_from(data))
        except ValidationError as exc:
            form.add_service_errors(exc)
    template = "warranty/check_result.html" if request.htmx else "warranty/check.html"
    return render(request, template, {"form": form, "evaluation": evaluation})


@staff_page(perm="warranty.view_warrantypolicy")
def policy_list(request):
    return render(request, "warranty/policy_list.html", {"policies": selectors.policy_list()})


# --- Fee schedules --------------------------------------------------------------------------


@staff_page(perm="warranty.view_feeschedule")
def fee_schedule_list(request):
    schedules = selectors.fee_schedule_list(user=request.user)
    in_force = services.schedule_in_force(timezone.localdate())
    return render(request, "warranty/fee_schedule_list.html", {"schedules": schedules, "in_force": in_force})


@staff_page(perm="warranty.view_feeschedule")
def fee_schedule_detail(request, pk: int):
    schedule = get_object_or_404(selectors.fee_schedule_with_rates(user=request.user), pk=pk)
    context = {
        "schedule": schedule,
        "categories": selectors.category_names(),
        "trail": audit_trail_for(request.user, schedule),
    }
    return render(request, "warranty/fee_schedule_detail.html", context)


@staff_page(perm="warranty.add_feeschedule")
def fee_schedule_create(request):
    in_force = services.schedule_in_force(timezone.localdate())
    form = NewFeeScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.fee_schedule_create_draft(copy_from=in_force, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Draft created from the schedule in force. Edit it, then publish."))
            return redirect("fee-schedule-edit", pk=draft.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New fee schedule version"), "back": reverse("fee-schedule-list")},
    )


@staff_page(perm="warranty.change_feeschedule")
def fee_schedule_edit(request, pk: int):
    schedule = get_object_or_404(selectors.fee_schedule_with_rates(user=request.user), pk=pk)
    if not schedule.is_editable:
        messages.error(
            request, _("This fee schedule is used by work orders and cannot change: publish a new version instead.")
        )
        return redirect("fee-schedule-detail", pk=pk)
    data = request.POST or None
    form = FeeScheduleForm(
        data,
        initial={
            "name": schedule.name,
            "name_en": schedule.name_en,
            "effective_from": schedule.effective_from,
            "visit_fee": schedule.visit_fee,
            "software_free_months": schedule.software_free_months,
            "software_charged_after_months": schedule.software_charged_after_months,
        },
    )
    labour = LabourRateFormSet(
        data,
        prefix="labour",
        initial=[
            {"category": r.category, "service_type": r.service_type, "amount": r.amount}
            for r in schedule.labour_rates.all()
        ],
    )
    parts = PartPriceFormSet(
        data,
        prefix="parts",
        initial=[
            {"code": p.code, "name": p.name, "name_en": p.name_en, "category": p.category, "price": p.price}
            for p in schedule.part_prices.all()
        ],
    )
    if request.method == "POST" and form.is_valid() and labour.is_valid() and parts.is_valid():
        try:
            services.fee_schedule_update(
                schedule=schedule,
                labour=formset_rows(labour),
                parts=formset_rows(parts),
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Fee schedule saved."))
            return redirect("fee-schedule-detail", pk=pk)
    context = {"schedule": schedule, "form": form, "labour": labour, "parts": parts}
    return render(request, "warranty/fee_schedule_edit.html", context)


@require_POST
@staff_page(perm="warranty.change_feeschedule")
def fee_schedule_publish(request, pk: int):
    schedule = get_object_or_404(selectors.fee_schedule_list(user=request.user), pk=pk)
    success = _("Published: in force from %(day)s.") % {"day": date_format(schedule.effective_from)}
    call_and_flash(request, services.fee_schedule_publish, success=success, schedule=schedule)
    return redirect("fee-schedule-detail", pk=pk)


@staff_page(perm="warranty.view_feeschedule")
def quote_calculator(request):
    """Price a job from the schedule in force today; htmx swaps in the result."""
    form = QuoteForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.quote_compute(**form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
    template = "warranty/quote_result.html" if request.htmx else "warranty/quote.html"
    return render(request, template, {"form": form, "result": result})


# --- Policy versions and the holiday calendar ----------------------------------------------

POLICY_TERMS = [f for f in PolicyVersionForm.base_fields if f != "effective_from"]


@staff_page(perm="warranty.add_policyversion")
def policy_version_create(request, code: str):
    policy = get_object_or_404(WarrantyPolicy, code=code)
    current = policy.versions.order_by("-effective_from").first()
    initial = {"effective_from": timezone.localdate()}
    if current is not None:
        initial |= {f: getattr(current, f) for f in POLICY_TERMS}
        initial["component_months"] = component_months_text(current.component_months)
    form = PolicyVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_version_publish(policy=policy, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("New terms published for %(policy)s.") % {"policy": policy.name})
            return redirect("warranty-policies")
    title = _("New terms for %(policy)s") % {"policy": policy.name}
    return render(request, "core/form_page.html", {"form": form, "title": title, "back": reverse("warranty-policies")})


@staff_page(perm="warranty.view_publicholiday")
def holiday_list(request):
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("warranty.add_publicholiday"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.holiday_add(day=form.cleaned_data["date"], name=form.cleaned_data["name"], actor=request.user)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Holiday added."))
                return redirect("holiday-list")
    holidays = PublicHoliday.objects.filter(date__gte=timezone.localdate() - timedelta(days=366))
    return render(request, "warranty/holiday_list.html", {"form": form, "holidays": holidays})


@require_POST
@staff_page(perm="warranty.delete_publicholiday")
def holiday_delete(request, pk: int):
    services.holiday_delete(holiday=get_object_or_404(PublicHoliday, pk=pk), actor=request.user)
    messages.success(request, _("Holiday removed."))
    return redirect("holiday-list")
