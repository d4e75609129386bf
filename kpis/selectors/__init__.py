"""The service KPIs of the chosen outlets and period.

The per-outlet sections read the outlet-day figures (`OutletDay`, made by kpis.services every few
minutes): one grouped query sums them per outlet for the whole page. The sections by reason,
department, model and category, the loaners snapshot and the scorecards are computed from the
rows themselves (small tables, or per person). Totals are summed from the outlet rows in Python (a
few hundred outlets at most), so averages stay exact (sums over counts).

One module per subject; every public name is importable from `kpis.selectors`."""

from kpis.selectors.base import Column, Figure, Scope, Section  # noqa: F401
from kpis.selectors.reconciliation import outlet_reconciliation  # noqa: F401
from kpis.selectors.scorecards import SCORECARDS, clerks, engineers  # noqa: F401
from kpis.selectors.standards import (  # noqa: F401
    SECTIONS,
    callbacks,
    come_when_called,
    complaints,
    delight,
    fixed_on_arrival,
    information,
    loaners,
    quality_by_model,
    reschedule_reasons,
    turnaround,
)
