from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_trail_for
from core.decorators import staff_page
from core.errors import ConflictError
from core.messages import call_and_flash
from core.pagination import keyset_page_for
from core.scoping import visible_outlets
from settlement import selectors, services
from settlement.forms import DecisionForm
from settlement.models import WarrantyClaim
from settlement.rules import RULES

SERVICE_ERRORS = (ValidationError, PermissionDenied, ConflictError)


@staff_page(perm="settlement.view_warrantyclaim")
def claim_list(request):
    """Warranty-cost claims of your outlets, newest first, by status and outlet."""
    queryset = selectors.claim_list(user=request.user)
    status = request.GET.get("status", "")
    if status in WarrantyClaim.Status.values:
        queryset = queryset.filter(status=status)  # index claim_outlet_status / claim_status
    outlets = list(visible_outlets(request.user).order_by("code")[:200])
    outlet = request.GET.get("outlet", "")
    if outlet.isdigit() and any(o.pk == int(outlet) for o in outlets):
        queryset = queryset.filter(outlet_id=int(outlet))
    else:
        outlet = ""
    page = keyset_page_for(request, queryset, key="id", descending=True)
    query = "&".join(f"{name}={value}" for name, value in (("status", status), ("outlet", outlet)) if value)
    context = {
        "page": page,
        "status": status,
        "statuses": WarrantyClaim.Status.choices,
        "outlet": outlet,
        "outlets": outlets if len(outlets) > 1 else [],
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
