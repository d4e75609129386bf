"""What every print page shares: the language of the paper (the network's own unless `?lang=en`, whoever
prints it: the customer keeps it) and the paper it fits (A4, or the counter's 80 mm receipt roll for
slips: the outlet's setting unless `?paper=`), with links to the other language and paper."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from core.models import Outlet

PAPERS = {Outlet.SlipPaper.A4.value, Outlet.SlipPaper.THERMAL_80.value}


def render_print(request, template: str, context: dict, *, slip_of: Outlet | None = None):
    """Render a print page. `slip_of`: a slip, on the paper that outlet prints slips on (or `?paper=`);
    otherwise A4."""
    language = "en" if request.GET.get("lang") == "en" else settings.LANGUAGE_CODE
    paper = Outlet.SlipPaper.A4.value
    if slip_of is not None:
        asked = request.GET.get("paper")
        paper = asked if asked in PAPERS else slip_of.slip_paper
    links = {"lang": _with(request, lang="zh-hans" if language == "en" else "en")}
    if slip_of is not None:
        links["paper"] = _with(request, paper="80mm" if paper == "a4" else "a4")
    with translation.override(language):
        return render(request, template, {**context, "paper": paper, "print_links": links})


def _with(request, **changes) -> str:
    """This page's query string with `changes` made."""
    query = request.GET.copy()
    for name, value in changes.items():
        query[name] = value
    return "?" + query.urlencode()
