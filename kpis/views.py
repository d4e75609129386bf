from datetime import timedelta
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decorators import staff_page
from core.exports import csv_response, described, xlsx_response
from core.forms import outlet_choices
from core.replica import replica_reads
from core.scoping import visible_outlets
from core.validation import parse_day
from kpis import exports, selectors
from kpis.forms import KpiFilterForm
from kpis.selectors import SCORECARDS, SECTIONS


@staff_page(perm="kpis.view_kpis")
@replica_reads
def dashboard(request):
    """The four service standards and the other measures for the chosen outlets and period; each
    chart has its table underneath and each table exports with the same filters."""
    return _page(request, SECTIONS, _("Service KPIs"))


@staff_page(perm="dispatch.reconcile_appointment")
def outlet_reconciliation(request):
    """The centre's clerk's daily check with each outlet: visits, sign-offs, callbacks made, findings
    and the differences still open."""
    day = parse_day(request.GET.get("day")) or timezone.localdate()
    outlet = visible_outlets(request.user).filter(pk=request.GET.get("outlet") or 0).first()
    context = {
        "day": day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "outlet": outlet,
        **outlet_choices(request.user, outlet),
        "rows": selectors.outlet_reconciliation(user=request.user, day=day, outlet=outlet),
    }
    return render(request, "kpis/outlet_reconciliation.html", context)


@staff_page(perm="kpis.view_kpis")
@replica_reads
def scorecards(request):
    """The same measures per engineer and per clerk."""
    return _page(request, SCORECARDS, _("Scorecards"))


def _page(request, registry: dict, heading: str):
    form = KpiFilterForm(request.GET or None, user=request.user)
    scope = form.scope()
    sections = [compute(scope) for compute in registry.values()]
    for section in sections:
        if section.drill is not None:
            _add_drill_links(section, scope)
    context = {
        "heading": heading,
        "form": form,
        "scope": scope,
        "sections": sections,
        "charts": {s.key: _chart(s) for s in sections},
        # The outlet-day figures' "as of" (the scorecards are computed from the rows themselves).
        "refreshes": scope.refreshes() if registry is SECTIONS else None,
        "query": request.GET.urlencode(),
    }
    return render(request, "kpis/dashboard.html", context)


def _add_drill_links(section, scope) -> None:
    """Each outlet's row links to the work-order list with the same outlet, days and category."""
    last_day = (scope.until - timedelta(days=1)).date()
    common = {"received_from": scope.since.date().isoformat(), "received_to": last_day.isoformat(), **section.drill}
    if scope.category_id:
        common["category"] = scope.category_id
    for row in section.rows:
        row["drill_url"] = f"{reverse('work-order-list')}?{urlencode({'outlet': row['outlet_id'], **common})}"


def _chart(section) -> dict:
    """What static/js/kpis.js draws: one bar (or stack of bars) per table row, the total row left out."""
    label = section.chart.get("label", "outlet")
    titles = {c.key: c.label for c in section.columns}
    keys = section.chart.get("stack") or [section.chart["column"]]
    stacked = len(keys) > 1
    return {
        "labels": [str(r.get(label)) for r in section.rows],
        "series": [
            {"name": titles[key], "data": [_number(r.get(key)) for r in section.rows]}
            | ({"stack": "all"} if stacked else {})
            for key in keys
        ],
    }


def _number(value):
    return None if value is None else float(value)


@staff_page(perm="kpis.view_kpis")
@replica_reads
def export(request, section: str, fmt: str):
    compute = SECTIONS.get(section) or SCORECARDS.get(section)
    if compute is None or fmt not in ("csv", "xlsx"):
        raise Http404
    form = KpiFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():  # the page says what is wrong; never export another period
        return redirect(f"{reverse('kpi-dashboard')}?{request.GET.urlencode()}")
    scope = form.scope()
    filename = f"{section}-{scope.since:%Y%m%d}-{scope.until:%Y%m%d}"
    sheet = exports.sheet_of(compute(scope), filename=filename, about=described(form) if form.is_bound else [])
    return csv_response(sheet) if fmt == "csv" else xlsx_response(sheet, exported_by=request.user.name)
