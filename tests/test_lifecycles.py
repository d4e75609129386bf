"""Every model with a status has a declared lifecycle, and its moves are the only writers of the status
(issue 21): each table is walked (every legal move works, every illegal one is refused), and the code is
searched for a status written anywhere else."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from complaints.lifecycle import CASE, REMEDY
from core.lifecycle import Lifecycle
from core.notify import outbox_lifecycle
from core.services import EXPORT_JOB
from dispatch.lifecycle import APPOINTMENT, LOANER, REQUISITION
from followups.lifecycle import CALLBACK
from warranty.lifecycle import FEE_SCHEDULE
from workorders.services.hotline import SLIP
from workorders.services.waivers import WAIVER

LIFECYCLES = {
    "appointment": APPOINTMENT,
    "part requisition": REQUISITION,
    "loaner unit": LOANER,
    "callback": CALLBACK,
    "complaint case": CASE,
    "remedy": REMEDY,
    "fee schedule": FEE_SCHEDULE,
    "message slip": SLIP,
    "charge waiver": WAIVER,
    "notification": outbox_lifecycle(),
    "export": EXPORT_JOB,
}
ROOT = Path(__file__).resolve().parents[1]
APPS = ["core", "warranty", "workorders", "dispatch", "followups", "complaints", "kpis"]


@pytest.mark.parametrize("lifecycle", LIFECYCLES.values(), ids=LIFECYCLES.keys())
def test_every_legal_move_works_and_every_illegal_one_is_refused(lifecycle: Lifecycle):
    for step in lifecycle.moves.values():
        for state in lifecycle.states.values:
            row = SimpleNamespace(status=state)
            if state in step.sources:
                lifecycle.move(row, step.name, reason="the customer asked")
                assert row.status == step.target, (step.name, state)
            else:
                with pytest.raises(ValidationError) as refused:
                    lifecycle.move(row, step.name, reason="the customer asked")
                assert row.status == state and str(lifecycle.states(state).label) in str(refused.value)
            if state in step.sources and step.needs_reason:
                with pytest.raises(ValidationError):
                    lifecycle.move(SimpleNamespace(status=state), step.name, reason=" ")


@pytest.mark.parametrize("lifecycle", LIFECYCLES.values(), ids=LIFECYCLES.keys())
def test_every_state_is_where_rows_start_or_reached_by_a_move(lifecycle: Lifecycle):
    reached = lifecycle.initial | {m.target for m in lifecycle.moves.values()}
    assert reached == set(lifecycle.states.values)


# A status written other than by a lifecycle's move: an assignment, a tuple assignment or a bulk update.
STATUS_WRITE = re.compile(r"\.status\s*=(?!=)|^\s*[\w.]+\.status\s*,[^=(]*=(?!=)")
BULK_STATUS_WRITE = re.compile(r"\.update\((?:[^()]|\([^()]*\))*\bstatus=")  # over several lines too
# The declared writers: the lifecycles, and the work order's own transition function.
WRITERS = {"core/lifecycle.py", "workorders/services/lifecycle.py"}


def test_no_status_is_written_outside_its_lifecycle():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if "migrations" in path.parts or relative in WRITERS:
                continue
            text = path.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), start=1):
                if STATUS_WRITE.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
            found += [f"{relative}: {m.group(0)[:80]}" for m in BULK_STATUS_WRITE.finditer(text)]
    assert found == []
