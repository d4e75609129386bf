"""The legal clocks of an in-warranty repair (三包), from the order's own history: pure functions, no database.

- Waiting for parts: counted from the day the product was handed in for repair (自送修之日起) until the
  part arrived, when the order waited for parts at all: 90 days (phones 60, per policy) and it must be
  exchanged.
- The repairer's own delay: the days the order spent with the outlet not waiting for parts or for the
  customer (a quote, a pickup); over 30 and it must be exchanged.

Days are calendar days between the local dates of the status changes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from workorders.lifecycle import OPEN_STATUSES, Status

# The outlet has the job and nothing but its own work stands in the way.
REPAIRER_STATUSES = frozenset({Status.RECEIVED, Status.AWAITING_DISPATCH, Status.SCHEDULED, Status.IN_SERVICE})
# Clocks warn this many days before a limit (the supervisor's home lists those orders).
WARN_DAYS = 7


@dataclass(frozen=True)
class Clocks:
    parts_wait_days: int = 0
    repairer_days: int = 0
    parts_running: bool = False  # waiting for parts now: the parts clock moves every day
    repairer_running: bool = False  # with the repairer now: the delay clock moves every day

    def limit_day(self, *, today: date, parts_limit: int, repairer_limit: int) -> date | None:
        """The first day on which a running clock is past its limit (None when no clock runs)."""
        days = []
        if self.parts_running:
            days.append(today + timedelta(days=max(parts_limit - self.parts_wait_days, -1) + 1))
        if self.repairer_running:
            days.append(today + timedelta(days=max(repairer_limit - self.repairer_days, -1) + 1))
        return min(days, default=None)


def clocks_of(received_on: date, changes: Sequence[tuple[date, str]], *, today: date) -> Clocks:
    """The clocks of an order received on `received_on` whose status changed on the given days (in
    order, each to the status named), read on `today`."""
    periods = []  # (status, from, until)
    status, since = Status.RECEIVED, received_on
    for day, to_status in changes:
        day = max(day, since)  # a clock never runs backwards
        periods.append((status, since, day))
        status, since = Status(to_status), day
    periods.append((status, since, max(today, since) if status in OPEN_STATUSES else since))
    parts_until = max((until for s, _since, until in periods if s == Status.AWAITING_PARTS), default=None)
    return Clocks(
        parts_wait_days=(parts_until - received_on).days if parts_until else 0,
        repairer_days=sum((until - start).days for s, start, until in periods if s in REPAIRER_STATUSES),
        parts_running=status == Status.AWAITING_PARTS,
        repairer_running=status in REPAIRER_STATUSES,
    )
