from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import selectors, services
from complaints.forms import (
    BadFaithForm,
    CaseForm,
    ConfirmationForm,
    EscalateForm,
    FeedbackForm,
    RemedyForm,
    StepForm,
)
from complaints.models import ComplaintCase, Feedback, Remedy
from core.decorators import staff_page
from core.errors import ConflictError
from core.messages import call_and_flash, flash_refusal
from core.pagination import keyset_page_for
from core.replica import replica_reads
from core.scoping import visible_outlets
from workorders.forms import ExchangeForm, ReturnForm
from workorders.lifecycle import TRANSITIONS
from workorders.selectors import work_order_list
from workorders.services import swap_terms, warranty_after_repairs

SERVICE_ERRORS = (ValidationError, PermissionDenied, ConflictError)


@staff_page(perm="complaints.view_complaintcase")
@replica_reads
def case_list(request):
    """Complaint cases of your outlets (newest first); supervisors also see their queue of escalated ones."""
    queryset = selectors.case_list(user=request.user)
    status = request.GET.get("status", "")
    if status in ComplaintCase.Status.values:
        queryset = queryset.filter(status=status)  # index case_outlet_status
    page = keyset_page_for(request, queryset, key="id", descending=True, by_outlet=True)
    supervising = request.user.has_perm("complaints.escalate_complaintcase")
    context = {
        "page": page,
        "status": status,
        "statuses": ComplaintCase.Status.choices,
        "counts": selectors.open_case_counts(user=request.user, now=timezone.now()) if supervising else None,
        "escalated": list(selectors.escalated_queue(user=request.user)[:50]) if supervising else [],
        "approvals": list(selectors.pending_approvals(user=request.user)[:50])
        if request.user.has_perm("complaints.change_remedy")
        else [],
        "now": timezone.now(),
    }
    return render(request, "complaints/list.html", context)


@staff_page(perm="complaints.add_complaintcase")
def case_new(request):
    form = CaseForm(request.POST or None, user=request.user, initial={"number": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            case = services.case_open_for(key=data.pop("number"), actor=request.user, **data)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            return redirect("complaint-detail", pk=case.pk)
    return render(
        request,
        "complaints/new.html",
        {"form": form, "call": "caller_phone" in form.fields and bool(request.GET.get("call"))},
    )


def _detail(request, case, **forms):
    return {
        "case": case,
        "entitlement": warranty_after_repairs(case.product, prior_repairs=case.repeat_repairs)
        if case.product_id
        else None,
        "earlier": list(selectors.earlier_cases(user=request.user, case=case)[:10]),
        "history": list(work_order_list(user=request.user).filter(customer=case.customer_id).order_by("-id")[:10]),
        "step_form": forms.get("step") or StepForm(),
        "remedy_form": forms.get("remedy") or RemedyForm(),
        "escalate_form": forms.get("escalate") or EscalateForm(),
        "bad_faith_form": forms.get("bad-faith") or BadFaithForm(),
        "confirm_form": forms.get("confirm")
        or ConfirmationForm(initial={"lessons": case.lessons, "responsibility": case.responsibility}),
        "callbacks": list(selectors.customer_callbacks(user=request.user, customer_id=case.customer_id)[:10]),
        "now": timezone.now(),
    }


@staff_page(perm="complaints.view_complaintcase")
def case_detail(request, pk: int):
    case = get_object_or_404(selectors.case_detail(user=request.user), pk=pk)
    return render(request, "complaints/detail.html", _detail(request, case))


ACTIONS = {
    "step": (StepForm, lambda case, actor, data: services.case_step_record(case=case, actor=actor, **data)),
    "remedy": (RemedyForm, lambda case, actor, data: services.remedy_propose(case=case, actor=actor, **data)),
    "escalate": (EscalateForm, lambda case, actor, data: services.case_escalate(case=case, actor=actor, **data)),
    "confirm": (
        ConfirmationForm,
        lambda case, actor, data: services.case_request_confirmation(case=case, actor=actor, **data),
    ),
    "bad-faith": (
        BadFaithForm,
        lambda case, actor, data: services.customer_flag_bad_faith(customer=case.customer, actor=actor, **data),
    ),
}


@require_POST
@staff_page(perm="complaints.view_complaintcase")
def case_act(request, pk: int, action: str):
    """A handling step, a remedy offered, or an escalation; errors come back next to the fields."""
    case = get_object_or_404(selectors.case_detail(user=request.user), pk=pk)
    if action not in ACTIONS:
        return redirect("complaint-detail", pk=pk)
    form_class, act = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(case, request.user, form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("complaint-detail", pk=pk)
    case = get_object_or_404(selectors.case_detail(user=request.user), pk=pk)
    context = _detail(request, case, **{action: form})
    return render(request, "complaints/detail.html", context, status=400)


@require_POST
@staff_page(perm="complaints.change_remedy")
def remedy_decide(request, pk: int):
    remedy = get_object_or_404(selectors.pending_approvals(user=request.user), pk=pk)
    call_and_flash(
        request,
        services.remedy_decide,
        success=_("Done."),
        remedy=remedy,
        approve=request.POST.get("approve") == "yes",
        note=request.POST.get("note", ""),
    )
    return redirect("complaint-detail", pk=remedy.case_id)


SWAP_FORMS = {Remedy.Kind.EXCHANGE: ExchangeForm, Remedy.Kind.RETURN: ReturnForm}


@staff_page(perm="workorders.change_workorder")
def remedy_carry_out(request, pk: int):
    """An approved return or exchange remedy carried out on the case's order: the order's own return and
    exchange page, with the approval as its ground."""
    remedy = get_object_or_404(
        Remedy.objects.select_related("case", "decided_by").filter(
            case__outlet__in=visible_outlets(request.user), kind__in=SWAP_FORMS, status=Remedy.Status.APPROVED
        ),
        pk=pk,
    )
    if request.user.role not in TRANSITIONS[remedy.kind].roles:
        raise PermissionDenied
    orders = work_order_list(user=request.user).select_related("product__category")
    order = get_object_or_404(orders, pk=remedy.case.work_order_id or 0)
    terms = swap_terms(order)
    initial = {"price_paid": terms.price, "refund_amount": terms.price}
    form = SWAP_FORMS[remedy.kind](request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            swap = services.remedy_carry_out(remedy=remedy, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Done: slip %(number)s.") % {"number": swap.number})
            return redirect("complaint-detail", pk=remedy.case_id)
    context = {"order": order, "terms": terms, "form": form, "kind": remedy.kind, "allowed": True, "remedy": remedy}
    return render(request, "workorders/swap.html", context, status=400 if form.errors else 200)


@staff_page(perm="complaints.view_feedback")
@replica_reads
def feedback_list(request):
    """Feedback of your outlets, by type; routed suggestions and quality information until acknowledged."""
    kind = request.GET.get("type", "")
    queryset = selectors.feedback_list(user=request.user)
    if kind in Feedback.Type.values:
        queryset = queryset.filter(type=kind)
    page = keyset_page_for(request, queryset, key="id", descending=True, by_outlet=True)
    form = FeedbackForm(user=request.user) if request.user.has_perm("complaints.add_feedback") else None
    context = {"page": page, "kind": kind, "types": Feedback.Type.choices, "form": form}
    return render(request, "complaints/feedback.html", context)


@require_POST
@staff_page(perm="complaints.add_feedback")
def feedback_new(request):
    form = FeedbackForm(request.POST, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("number").strip()
        order = work_order_list(user=request.user).filter(number=number).first() if number else None
        if number and order is None:
            form.add_error("number", _("No work order with this number in your outlets."))
        else:
            try:
                services.feedback_record(
                    work_order=order, customer=order.customer if order else None, actor=request.user, **data
                )
            except SERVICE_ERRORS as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("feedback-list")
    page = keyset_page_for(
        request, selectors.feedback_list(user=request.user), key="id", descending=True, by_outlet=True
    )
    context = {"page": page, "kind": "", "types": Feedback.Type.choices, "form": form}
    return render(request, "complaints/feedback.html", context, status=400)


@require_POST
@staff_page(perm="complaints.change_feedback")
def feedback_acknowledge(request, pk: int):
    feedback = get_object_or_404(selectors.feedback_list(user=request.user), pk=pk)
    try:
        services.feedback_acknowledge(feedback=feedback, actor=request.user)
    except SERVICE_ERRORS as exc:
        flash_refusal(request, exc)
    return redirect("feedback-list")
