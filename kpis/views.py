from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.decorators import staff_page
from kpis import exports
from kpis.forms import KpiFilterForm
from kpis.selectors import SECTIONS


@staff_page(perm="kpis.view_kpis")
def dashboard(request):
    """The four service standards and the other measures for the chosen outlets and period; each
    chart has its table underneath and each table exports with the same filters."""
    form = KpiFilterForm(request.GET or None, user=request.user)
    scope = form.scope()
    sections = [compute(scope) for compute in SECTIONS.values()]
    context = {
        "form": form,
        "scope": scope,
        "sections": sections,
        "charts": {s.key: _chart(s) for s in sections},
        "query": request.GET.urlencode(),
    }
    return render(request, "kpis/dashboard.html", context)


def _chart(section) -> dict:
    """What static/js/kpis.js draws: one bar (or stack of bars) per table row, the total row left out."""
    label = section.chart.get("label", "outlet")
    titles = {c.key: c.label for c in section.columns}
    keys = section.chart.get("stack") or [section.chart["column"]]
    stacked = len(keys) > 1
    return {
        "labels": [str(r.get(label)) for r in section.rows],
        "series": [
            {"name": titles.get(key, str(_("On time"))), "data": [_number(r.get(key)) for r in section.rows]}
            | ({"stack": "all"} if stacked else {})
            for key in keys
        ],
    }


def _number(value):
    return None if value is None else float(value)


@staff_page(perm="kpis.view_kpis")
def export(request, section: str, fmt: str):
    if section not in SECTIONS or fmt not in ("csv", "xlsx"):
        raise Http404
    form = KpiFilterForm(request.GET or None, user=request.user)
    scope = form.scope()
    table = SECTIONS[section](scope)
    filename = f"{section}-{scope.since:%Y%m%d}-{scope.until:%Y%m%d}"
    return exports.as_csv(table, filename) if fmt == "csv" else exports.as_xlsx(table, filename)
