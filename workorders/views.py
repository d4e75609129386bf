from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.decorators import staff_page
from core.errors import ConflictError
from core.messages import SERVICE_REFUSALS, act_and_flash, flash_refusal
from core.pagination import keyset_page_for
from core.prints import render_print
from core.privacy import sees_personal_data
from core.scoping import scope, visible_outlets
from workorders import selectors, services
from workorders.filters import PaymentFilter, WorkOrderFilter, is_broad_list
from workorders.forms import (
    CallForm,
    DetailsForm,
    ExchangeForm,
    HandOverForm,
    IntakeForm,
    MessageSlipForm,
    NoteForm,
    PickupForm,
    QuoteForm,
    RepairRecordForm,
    ReturnForm,
    SlipAnswerForm,
    TransitionForm,
    WaiverDecisionForm,
    WaiverForm,
)
from workorders.lifecycle import TRANSITIONS, allowed
from workorders.models import ChargeWaiver, Product, UnitSwap, WorkOrder

UNIT_HISTORY_SHOWN = 20  # the unit's other orders on its order page (the API pages through all)


# What a list row shows (templatetags.order_status.work_order_rows), and nothing else: an order has some 70
# columns, its signatures are PNG data URLs, and its owner row carries a password hash.
LIST_COLUMNS = (
    "number",
    "status",
    "priority",
    "missing_info",
    "channel",
    "created_at",
    "customer__name",
    "product__brand",
    "product__model",
    "product__category__name",
    "product__category__name_en",
    "outlet__name",
    "owner__name",
    "owner__username",
)


@staff_page(perm="workorders.view_workorder")
def work_order_list(request):
    # An order number scanned (or typed) into the search box opens its order: a barcode gun types the
    # number and Enter.
    searched = request.GET.get("q", "").strip()
    narrowed = any(value for name, value in request.GET.items() if name != "q")  # the form sends blanks too
    if searched and not narrowed:
        found = selectors.work_order_list(user=request.user).filter(number=searched).values_list("pk", flat=True)
        if pk := found.first():  # numbers are unique
            return redirect("work-order-detail", pk=pk)
    rows = selectors.work_order_list(user=request.user).only(*LIST_COLUMNS)
    filters = WorkOrderFilter(request.GET or None, queryset=rows, user=request.user)
    queryset = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    page = keyset_page_for(request, queryset, key="id", descending=True, by_outlet=is_broad_list(request.GET))
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "workorders/list.html", {"filters": filters, "page": page, "query": query.urlencode()})


@staff_page(perm="workorders.view_payment")
def payment_list(request):
    """Payments of a day (or a period) at the user's outlets, with the totals per payment method: the
    counter's daily cash count (收款对账)."""
    filters = PaymentFilter(request.GET, queryset=selectors.payment_list(user=request.user), user=request.user)
    payments = filters.qs if filters.is_valid() else filters.queryset.none()
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "filters": filters,
        "totals": selectors.payment_totals(payments),
        "page": keyset_page_for(request, payments, key="id", descending=True),
        "query": query.urlencode(),
    }
    return render(request, "workorders/payments.html", context)


@staff_page(perm="workorders.view_workorder")
def work_order_detail(request, pk: int):
    order = get_object_or_404(selectors.work_order_detail(user=request.user), pk=pk)
    context = {
        "order": order,
        "actions": allowed(order.status, request.user.role),
        "can_change": request.user.has_perm("workorders.change_workorder"),
        "sees_personal_data": sees_personal_data(request.user),
        "hand_over_form": HandOverForm(order=order),
        "note_form": NoteForm(),
        "quote_form": QuoteForm(),
        "repair_form": RepairRecordForm(initial={f: getattr(order, f) for f in RepairRecordForm.base_fields}),
        "waiver_form": WaiverForm(),
        "can_ask_waiver": request.user.has_perm("workorders.add_chargewaiver")
        and order.amount_due > 0
        and not order.payments.all(),
        "can_decide_waiver": request.user.has_perm("workorders.decide_chargewaiver"),
        "clocks": services.clocks_shown(order),
        "can_swap": bool(order.swap_options) and request.user.role in TRANSITIONS["exchange"].roles,
        "unit_history": list(services.unit_history(order.product).exclude(pk=order.pk)[:UNIT_HISTORY_SHOWN]),
        "panels": [panel for path in settings.ORDER_PANELS if (panel := import_string(path)(request, order))],
    }
    return render(request, "workorders/detail.html", context)


@require_POST
@staff_page(perm="workorders.add_chargewaiver")
def work_order_waiver(request, pk: int):
    """Ask a supervisor to waive or reduce the charge."""
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    form = WaiverForm(request.POST)
    act_and_flash(request, form, services.charge_waiver_request, success=_("Sent to a supervisor."), work_order=order)
    return redirect("work-order-detail", pk=pk)


@require_POST
@staff_page(perm="workorders.decide_chargewaiver")
def waiver_decide(request, pk: int):
    """A supervisor approves or rejects a waiver (from the order page or the home page)."""
    waiver = get_object_or_404(scope(ChargeWaiver.objects.all(), request.user), pk=pk)
    form = WaiverDecisionForm(request.POST)
    act_and_flash(request, form, services.charge_waiver_decide, success=_("Done."), waiver=waiver)
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("work-order-detail", pk=waiver.work_order_id)


@require_POST
@staff_page(perm="workorders.change_workorder")
def work_order_act(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.work_order_transition(
                work_order=order,
                transition=data["transition"],
                actor=request.user,
                reason=data["reason"],
                expected_version=data["version"],
                override_incomplete=data["override_incomplete"],
            )
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            flash_refusal(request, exc)
        else:
            messages.success(request, _("Done."))
    return redirect("work-order-detail", pk=pk)


@require_POST
@staff_page(perm="workorders.change_workorder")
def work_order_hand_over(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    form = HandOverForm(request.POST, order=order)
    act_and_flash(request, form, services.work_order_hand_over, success=_("Handed over."), work_order=order)
    return redirect("work-order-detail", pk=pk)


@require_POST
@staff_page(perm="workorders.view_workorder")
def work_order_note(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.work_order_add_note(work_order=order, text=form.cleaned_data["text"], actor=request.user)
    return redirect("work-order-detail", pk=pk)


@staff_page(perm="workorders.add_workorder")
def intake(request):
    """Log a walk-in repair or a call: customer by phone, product, fault; warranty shown at once. A
    `?product=` of the user's outlets' customers prefills the customer and product (a callback that
    found a fault), for the clerk to confirm."""
    prefill = _prefill_from_product(request)
    form = IntakeForm(request.POST or None, user=request.user, initial=prefill)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer, product = services.intake_picks(customer_id=data["customer"], product_id=data["product"])
            order = services.intake_submit(
                outlet=data["outlet"],
                phone=str(data["phone"]),
                customer=customer,
                customer_name=data["customer_name"],
                address=data["address"],
                product=product,
                product_fields={f: data[f] for f in services.INTAKE_PRODUCT_FIELDS},
                order_fields={f: data[f] for f in services.INTAKE_ORDER_FIELDS},
                idempotency_key=data["idempotency_key"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Work order %(number)s received.") % {"number": order.number})
            return redirect("work-order-detail", pk=order.pk)
    return render(request, "workorders/intake.html", {"form": form, "prefilled": bool(prefill)})


def _prefill_from_product(request) -> dict:
    if request.method != "GET" or not request.GET.get("product", "").isdigit():
        return {}
    product = (
        Product.objects.select_related("customer", "category")
        .filter(pk=request.GET["product"], customer__outlet__in=visible_outlets(request.user))
        .first()
    )
    if product is None:
        return {}
    phone = product.customer.phones.order_by("-is_primary", "id").first()
    outlet = visible_outlets(request.user).filter(pk=request.GET.get("outlet") or 0).first()
    return {
        "customer": product.customer_id,
        "product": product.pk,
        "phone": phone.number if phone else "",
        "customer_name": product.customer.name,
        **{f: getattr(product, f) for f in services.INTAKE_PRODUCT_FIELDS},
        "outlet": outlet or product.customer.outlet_id,
        "channel": WorkOrder.Channel.HOTLINE,
        "fault_description": request.GET.get("fault", "")[:1000],
    }


@staff_page(perm="workorders.add_workorder")
def customer_lookup(request):
    """htmx: customers matching the phone (or name, order number, serial) typed at intake."""
    query = request.GET.get("phone") or request.GET.get("q", "")
    customers = selectors.customer_lookup(user=request.user, query=query) if len(query.strip()) >= 2 else []
    return render(request, "workorders/includes/customer_lookup.html", {"customers": customers, "query": query})


@staff_page(perm="workorders.add_workorder")
def warranty_preview(request):
    """htmx: the warranty decision for the product as typed, or as picked (with its repair history), before
    the order is saved."""
    form = IntakeForm(request.GET, user=request.user)
    form.is_valid()  # a preview of whatever is typed so far: use the fields that are valid
    data = form.cleaned_data
    product = Product.objects.select_related("category__warranty_policy").filter(pk=data.get("product") or 0).first()
    category = product.category if product else data.get("category")
    preview, error = None, None
    if category is not None:
        try:
            preview = services.warranty_preview(
                product=product,
                category=category,
                purchase_date=data.get("purchase_date"),
                proof=data.get("proof") or Product.Proof.NONE,
                production_date=data.get("production_date"),
                fault_component=data.get("fault_component"),
                water_or_drop_damage=data.get("water_or_drop_damage", False),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(request, "workorders/includes/warranty_preview.html", {"preview": preview, "error": error})


@require_POST
@staff_page(perm="workorders.change_workorder")
def work_order_quote(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    success = _("Quote saved; waiting for the customer's approval.")
    act_and_flash(request, QuoteForm(request.POST), services.work_order_quote, success=success, work_order=order)
    return redirect("work-order-detail", pk=pk)


@require_POST
@staff_page(perm="workorders.change_workorder")
def work_order_repair_record(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    form = RepairRecordForm(request.POST)
    if form.is_valid():
        services.work_order_record_repair(work_order=order, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Repair record saved."))
    return redirect("work-order-detail", pk=pk)


@staff_page(perm="workorders.change_workorder")
def work_order_pickup(request, pk: int):
    """The customer collects a repaired product: code, payment with receipt, signature, rating."""
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    form = PickupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_order_pickup(work_order=order, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Handed back to the customer."))
            return redirect("work-order-detail", pk=pk)
    return render(request, "workorders/pickup.html", {"order": order, "form": form})


SWAP_FORMS = {"exchange": ExchangeForm, "return": ReturnForm}
SWAP_SERVICES = {"exchange": services.work_order_exchange, "return": services.work_order_return}


@staff_page(perm="workorders.change_workorder")
def work_order_swap(request, pk: int, kind: str):
    """Carry out a 三包 exchange or return: what the order's decision grants today, the new unit or the
    refund, the customer's signature; then the slip is printed from the order page."""
    if kind not in SWAP_FORMS:
        raise Http404
    if request.user.role not in TRANSITIONS[kind].roles:
        raise PermissionDenied
    order = get_object_or_404(selectors.work_order_list(user=request.user).select_related("product__category"), pk=pk)
    terms = services.swap_terms(order)
    initial = {"price_paid": terms.price, "refund_amount": terms.refund_due}
    form = SWAP_FORMS[kind](request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            swap = SWAP_SERVICES[kind](work_order=order, actor=request.user, **form.cleaned_data)
        except SERVICE_REFUSALS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Done: slip %(number)s.") % {"number": swap.number})
            return redirect("work-order-detail", pk=pk)
    allowed = terms.exchange if kind == "exchange" else terms.return_
    context = {"order": order, "terms": terms, "form": form, "kind": kind, "allowed": allowed}
    return render(request, "workorders/swap.html", context, status=400 if form.errors else 200)


SLIPS = {"pickup-slip", "receipt", "swap-slip"}  # on the outlet's slip paper (A4 or the 80 mm roll)
PRINTS = {
    "repair-record": "workorders/print/repair_record.html",
    "pickup-slip": "workorders/print/pickup_slip.html",
    "receipt": "workorders/print/receipt.html",
    "swap-slip": "workorders/print/swap_slip.html",
}


@staff_page(perm="workorders.view_workorder")
def work_order_print(request, pk: int, document: str):
    """Print layouts (core.prints): in Chinese unless ?lang=en, the customer keeps the copy; slips on the
    outlet's slip paper unless ?paper=."""
    if document not in PRINTS:
        raise Http404
    order = get_object_or_404(selectors.work_order_detail(user=request.user), pk=pk)
    context = {"order": order}
    if document == "swap-slip":
        swap = UnitSwap.objects.select_related("old_product", "new_product__category", "granted_by")
        context["swap"] = swap = get_object_or_404(swap, work_order=order)
        context["new_rights"] = services.new_unit_rights(swap)
    context["copies"] = [gettext_lazy("Customer copy"), gettext_lazy("Shop copy")]
    slip_of = order.outlet if document in SLIPS else None
    return render_print(request, PRINTS[document], context, slip_of=slip_of)


@require_POST
@staff_page(perm="workorders.change_workorder")
def work_order_agreement(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    try:
        services.work_order_record_agreement(
            work_order=order, agreement=request.POST.get("agreement", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("work-order-detail", pk=pk)


@staff_page(perm="workorders.change_workorder")
def work_order_details(request, pk: int):
    order = get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)
    initial = {
        "version": order.version,
        "address": order.address,
        "model": order.product.model,
        "purchase_date": order.product.purchase_date,
        "proof": order.product.proof,
        "fault_description": order.fault_description,
        "requested_time": order.requested_time,
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.work_order_complete_details(
                work_order=order, expected_version=data.pop("version"), actor=request.user, **data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Details saved."))
            return redirect("work-order-detail", pk=pk)
    title = _("Complete the details of %(number)s") % {"number": order.number}
    return render(request, "core/form_page.html", {"form": form, "title": title, "back": order_url(order)})


def order_url(order) -> str:
    return reverse("work-order-detail", args=[order.pk])


@staff_page(perm="workorders.view_messageslip")
def hotline(request):
    """The hotline desk: log a call in under a minute, take message slips, answer yours."""
    can_call = request.user.has_perm("workorders.add_call")
    call_form = CallForm(request.POST if "log_call" in request.POST else None, user=request.user, prefix="call")
    slip_form = MessageSlipForm(request.POST if "take_slip" in request.POST else None, user=request.user, prefix="slip")
    if request.method == "POST":
        form, action = (call_form, _log_call) if "log_call" in request.POST else (slip_form, _take_slip)
        if form.is_valid():
            try:
                action(request, form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("hotline")
    context = {
        "call_form": call_form if can_call else None,
        "slip_form": slip_form if request.user.has_perm("workorders.add_messageslip") else None,
        "calls": selectors.recent_calls(user=request.user).order_by("-id")[:20] if can_call else [],
        "slips": selectors.open_slips_for(user=request.user)[:50],
        "answer_form": SlipAnswerForm(),
    }
    return render(request, "workorders/hotline.html", context)


def _log_call(request, data) -> None:
    order = data.pop("number")
    services.call_log(actor=request.user, **{**data, "caller_phone": str(data["caller_phone"]), "work_order": order})
    messages.success(request, _("Call recorded."))


def _take_slip(request, data) -> None:
    services.message_slip_take(actor=request.user, **{**data, "caller_phone": str(data["caller_phone"])})
    messages.success(request, _("Message slip routed."))


@require_POST
@staff_page(perm="workorders.change_messageslip")
def message_slip_answer(request, pk: int):
    slip = get_object_or_404(selectors.open_slips_for(user=request.user), pk=pk)
    form = SlipAnswerForm(request.POST)
    if form.is_valid():
        services.message_slip_answer(slip=slip, answer=form.cleaned_data["answer"], actor=request.user)
        messages.success(request, _("Message slip answered."))
    else:
        messages.error(request, _("Write what was done."))
    return redirect("home" if request.POST.get("next") == "home" else "hotline")
