import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_trail_for
from core.decorators import staff_page
from core.errors import ConflictError
from core.exports import xlsx_response
from core.forms import outlet_choices
from core.messages import call_and_flash, flash_form_errors
from core.pagination import keyset_page_for
from core.prints import render_print
from core.replica import replica_reads
from core.scoping import scope, visible_outlets
from settlement import selectors, services
from settlement.exports import statement_sheet
from settlement.forms import (
    AnswerForm,
    ComplaintDeductionForm,
    DecisionForm,
    InspectionForm,
    IssueForm,
    ReplyForm,
    ShipmentForm,
)
from settlement.models import (
    Deduction,
    PartShipment,
    ReturnTag,
    SettlementLabourRate,
    SettlementPartPrice,
    SettlementPriceList,
    SettlementStatement,
    WarrantyClaim,
)
from settlement.rules import RULES
from warranty.selectors import category_names

SERVICE_ERRORS = (ValidationError, PermissionDenied, ConflictError)
SHIP_AT_ONCE = 200  # old parts offered in one shipment form
PENDING_SHOWN = 50  # deductions waiting for the next statement, newest first
# What a row of the claims list shows: not the rest of the claim, nor the order's ~70 columns (the order's
# number and the outlet's name are all the row takes from them).
CLAIM_LIST_COLUMNS = (
    "status",
    "service_day",
    "claimed",
    "approved",
    "findings",
    "outlet__name",
    "work_order__number",
)


@staff_page(perm="settlement.view_warrantyclaim")
@replica_reads
def claim_list(request):
    """Warranty-cost claims of your outlets, newest first, by status and outlet."""
    queryset = selectors.claim_list(user=request.user).only(*CLAIM_LIST_COLUMNS)
    status = request.GET.get("status", "")
    if status in WarrantyClaim.Status.values:
        queryset = queryset.filter(status=status)  # index claim_outlet_status / claim_status
    outlet = request.GET.get("outlet", "")
    picked = (
        visible_outlets(request.user).only("pk", "code", "name").filter(pk=outlet).first() if outlet.isdigit() else None
    )
    if picked:
        queryset = queryset.filter(outlet_id=picked.pk)
    page = keyset_page_for(request, queryset, key="id", descending=True, by_outlet=True)
    outlet = str(picked.pk) if picked else ""
    query = "&".join(f"{name}={value}" for name, value in (("status", status), ("outlet", outlet)) if value)
    context = {
        "page": page,
        "status": status,
        "statuses": WarrantyClaim.Status.choices,
        "outlet": picked,
        **outlet_choices(request.user, picked),
        "query": query,
    }
    return render(request, "settlement/claim_list.html", context)


def _detail(request, claim, form=None) -> dict:
    found = {f["rule"] for f in claim.findings}
    return {
        "claim": claim,
        "lines": list(claim.lines.all()),
        "checks": [(code, name, code in found) for code, name in RULES.items()],
        "findings": claim.finding_texts,
        "blocked": any(f.get("blocking") for f in claim.findings),
        "may_decide": claim.status in services.UNDECIDED and services.may_decide(request.user, claim),
        "form": form or DecisionForm(),
        "trail": audit_trail_for(request.user, claim),
    }


@staff_page(perm="settlement.view_warrantyclaim")
def claim_detail(request, pk: int):
    claim = get_object_or_404(selectors.claim_detail(user=request.user), pk=pk)
    return render(request, "settlement/claim_detail.html", _detail(request, claim))


@require_POST
@staff_page(perm="settlement.decide_warrantyclaim")
def claim_decide(request, pk: int):
    """Approve, adjust or reject; a refusal comes back next to the field it concerns."""
    claim = get_object_or_404(selectors.claim_detail(user=request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.claim_decide(claim=claim, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Decided."))
            return redirect("claim-detail", pk=pk)
    return render(request, "settlement/claim_detail.html", _detail(request, claim, form), status=400)


@require_POST
@staff_page(perm="settlement.view_warrantyclaim")
def claim_recheck(request, pk: int):
    claim = get_object_or_404(selectors.claim_list(user=request.user), pk=pk)
    call_and_flash(request, services.claim_recheck, success=_("Checked again."), claim=claim)
    return redirect("claim-detail", pk=pk)


def _named(tags: list) -> list:
    names = selectors.part_names(tag.part_code for tag in tags)
    for tag in tags:
        tag.part_label = names.get(tag.part_code, tag.part_code)
    return tags


@staff_page(perm="settlement.view_returntag")
@replica_reads
def returns(request):
    """Old parts to ship (the outlet clerk packs a shipment), shipments sent and coming in, and parts the centre
    found not faulty."""
    to_ship = selectors.tags_to_ship(user=request.user)
    form = None
    if request.user.has_perm("settlement.add_partshipment"):
        form = ShipmentForm(request.POST or None, tags=to_ship)
        if request.method == "POST" and form.is_valid():
            tags = list(form.cleaned_data["tags"])
            try:
                shipment = services.shipment_send(
                    outlet=tags[0].outlet,
                    tags=tags,
                    carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"],
                    actor=request.user,
                )
            except SERVICE_ERRORS as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Shipped: %(n)d parts.") % {"n": len(tags)})
                return redirect("shipment-detail", pk=shipment.pk)
    shipments = selectors.shipment_list(user=request.user)
    status = request.GET.get("status", "")
    if status in PartShipment.Status.values:
        shipments = shipments.filter(status=status)
    page = keyset_page_for(request, shipments, key="id", descending=True)
    context = {
        # The oldest first, a box at a time: the count says how many more wait.
        "to_ship": _named(list(to_ship[:SHIP_AT_ONCE])),
        "to_ship_total": to_ship.count(),
        "form": form,
        "today": timezone.localdate(),
        "page": page,
        "status": status,
        "statuses": PartShipment.Status.choices,
        "not_faulty": _named(list(selectors.not_faulty_parts(user=request.user)[:20]))
        if request.user.has_perm("settlement.receive_partshipment")
        else [],
    }
    return render(request, "settlement/returns.html", context, status=400 if form is not None and form.errors else 200)


@staff_page(perm="settlement.view_partshipment")
def shipment_detail(request, pk: int):
    """A shipment's parts; the centre records what it found for each."""
    shipment = get_object_or_404(selectors.shipment_list(user=request.user), pk=pk)
    tags = _named(list(shipment.tags.select_related("work_order", "engineer", "inspected_by").order_by("id")))
    may_receive = (
        shipment.status == PartShipment.Status.SHIPPED
        and services.receives_shipments(request.user)
        and (request.user.is_headquarters or request.user.is_superuser or request.user.centre_id == shipment.centre_id)
    )
    form = InspectionForm(request.POST or None, tags=tags) if may_receive else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.shipment_receive(shipment=shipment, results=form.results(), actor=request.user)
        except SERVICE_ERRORS as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Received and inspected."))
            return redirect("shipment-detail", pk=pk)
    elif request.method == "POST" and form is None:
        raise PermissionDenied
    context = {"shipment": shipment, "tags": tags, "form": form, "trail": audit_trail_for(request.user, shipment)}
    return render(request, "settlement/shipment.html", context, status=400 if form is not None and form.errors else 200)


@staff_page(perm="settlement.view_returntag")
def tag_labels(request, order_pk: int):
    """The labels of an order's old parts, to print and stick on each part."""
    tags = _named(
        list(
            scope(ReturnTag.objects.filter(work_order_id=order_pk), request.user)
            .select_related("work_order__outlet", "engineer")
            .order_by("id")
        )
    )
    if not tags:
        raise Http404
    return render_print(request, "settlement/print/tags.html", {"tags": tags, "order": tags[0].work_order})


def _last_month():
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@staff_page(perm="settlement.view_settlementstatement")
@replica_reads
def statement_list(request):
    """Monthly statements of your outlets; headquarters issues a month's statements here."""
    form = None
    if request.user.has_perm("settlement.issue_settlementstatement") and (
        request.user.is_headquarters or request.user.is_superuser
    ):
        form = IssueForm(request.POST or None, initial={"month": _last_month()})
        if request.method == "POST" and form.is_valid():
            try:
                made = services.statements_issue(month=form.cleaned_data["month"], actor=request.user)
            except SERVICE_ERRORS as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Issued: %(n)d statements.") % {"n": len(made)})
                return redirect("statement-list")
    elif request.method == "POST":
        raise PermissionDenied
    statements = selectors.statement_list(user=request.user)
    month = request.GET.get("month", "")
    try:
        statements = statements.filter(month=dt.date.fromisoformat(f"{month}-01")) if month else statements
    except ValueError:
        month = ""
    context = {
        "page": keyset_page_for(request, statements, key="id", descending=True),
        "form": form,
        "month": month,
        # Headquarters deducts what complaint handlers found against outlets, a row at a time.
        "to_deduct": list(selectors.complaints_to_deduct(user=request.user)[:PENDING_SHOWN]) if form else [],
        "complaint_rate": services.deduction_rate(Deduction.Rule.COMPLAINT_UPHELD, timezone.localdate()),
        "pending_deductions": list(selectors.deductions_to_settle(user=request.user)[:PENDING_SHOWN]),
        "pending_total": selectors.deductions_to_settle(user=request.user).count(),
    }
    return render(
        request, "settlement/statements.html", context, status=400 if form is not None and form.errors else 200
    )


@require_POST
@staff_page(perm="settlement.add_deduction")
def complaint_deduction(request):
    """Headquarters deducts a complaint found against its outlet, from the list on the statements page."""
    form = ComplaintDeductionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("statement-list")
    case = selectors.complaints_to_deduct(user=request.user).filter(pk=form.cleaned_data["case"]).first()
    if case is None:
        messages.error(
            request, _("This complaint is not one found against an outlet of yours, or it is deducted already.")
        )
    else:
        call_and_flash(
            request,
            services.deduction_for_complaint,
            success=_("Deduction recorded."),
            case=case,
            note=form.cleaned_data["note"],
        )
    return redirect("statement-list")


def _statement_context(request, statement) -> dict:
    start, _end = services.month_bounds(statement.month)
    claims = list(selectors.statement_claims(statement))
    deductions = list(selectors.statement_deductions(statement))
    return {
        "statement": statement,
        "claims": claims,
        "deductions": deductions,
        "month_start": start,
        "earlier": sum(1 for c in claims if c.decided_at < start) + sum(1 for d in deductions if d.created_at < start),
    }


@staff_page(perm="settlement.view_settlementstatement")
@replica_reads
def statement_detail(request, pk: int):
    """A statement's claims and deductions; the outlet agrees to it or disputes it here, and headquarters
    replies to a dispute."""
    statement = get_object_or_404(selectors.statement_list(user=request.user), pk=pk)
    answers = (
        statement.status == SettlementStatement.Status.ISSUED
        and request.user.has_perm("settlement.answer_settlementstatement")
        and request.user.outlets.filter(pk=statement.outlet_id).exists()
    )
    replies = (
        statement.status == SettlementStatement.Status.DISPUTED
        and request.user.has_perm("settlement.issue_settlementstatement")
        and (request.user.is_headquarters or request.user.is_superuser)
    )
    posted = request.POST if request.method == "POST" else None
    form = AnswerForm(posted) if answers else None
    reply_form = ReplyForm(posted) if replies else None
    if request.method == "POST":
        acting = form or reply_form
        if acting is None:
            raise PermissionDenied
        if acting.is_valid():
            try:
                if form is not None:
                    services.statement_answer(
                        statement=statement,
                        agree=form.cleaned_data["answer"] == "agree",
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                else:
                    services.statement_reply(
                        statement=statement, reply=reply_form.cleaned_data["reply"], actor=request.user
                    )
            except SERVICE_ERRORS as exc:
                acting.add_service_errors(exc)
            else:
                messages.success(request, _("Answered."))
                return redirect("statement-detail", pk=pk)
    context = _statement_context(request, statement) | {
        "form": form,
        "reply_form": reply_form,
        "trail": audit_trail_for(request.user, statement),
    }
    failed = any(f is not None and f.errors for f in (form, reply_form))
    return render(request, "settlement/statement.html", context, status=400 if failed else 200)


@staff_page(perm="settlement.view_settlementstatement")
@replica_reads
def statement_xlsx(request, pk: int):
    statement = get_object_or_404(selectors.statement_list(user=request.user), pk=pk)
    return xlsx_response(statement_sheet(statement), exported_by=request.user.name)


@staff_page(perm="settlement.view_settlementstatement")
@replica_reads
def statement_print(request, pk: int):
    statement = get_object_or_404(selectors.statement_list(user=request.user), pk=pk)
    return render_print(request, "settlement/print/statement.html", _statement_context(request, statement))


def _part_rows(price_list) -> list[tuple]:
    """(part price, the part's name in the reader's language)."""
    if price_list is None:
        return []
    prices = list(price_list.part_prices.all())
    names = selectors.part_names(p.code for p in prices)
    return [(p, names.get(p.code, p.code)) for p in prices]


@staff_page(perm="settlement.view_settlementpricelist")
@replica_reads
def price_lists(request):
    """The maker's settlement price lists, the one in force first; each with what it pays."""
    versions = list(SettlementPriceList.objects.order_by("-effective_from", "-id")[:100])
    in_force = SettlementPriceList.in_force_on(timezone.localdate()).first()
    shown = next((v for v in versions if v.pk == int(request.GET.get("version", 0) or 0)), in_force)
    if shown is not None:
        shown = SettlementPriceList.objects.prefetch_related(
            Prefetch(
                "labour_rates", queryset=SettlementLabourRate.objects.order_by("category", "service_type", "place")
            ),
            "distance_bands",
            Prefetch("part_prices", queryset=SettlementPartPrice.objects.order_by("code")),
        ).get(pk=shown.pk)
    context = {
        "versions": versions,
        "in_force": in_force,
        "shown": shown,
        "categories": category_names(),
        "parts": _part_rows(shown),
    }
    return render(request, "settlement/price_lists.html", context)
