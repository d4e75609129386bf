"""Pure complaint rules on plain values: deadlines by severity, when a case must go to a supervisor,
repeat repairs, and whether a remedy is within the handler's authority."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext_noop

from core.words import said


@dataclass(frozen=True)
class DeadlinePolicy:
    """Hours from opening to first contact, to an agreed remedy, and to closure (admin-configurable)."""

    first_contact_hours: int
    remedy_hours: int
    close_hours: int


@dataclass(frozen=True)
class Deadlines:
    first_contact: datetime
    remedy: datetime
    close: datetime


def deadlines(*, opened_at: datetime, policy: DeadlinePolicy) -> Deadlines:
    return Deadlines(
        first_contact=opened_at + timedelta(hours=policy.first_contact_hours),
        remedy=opened_at + timedelta(hours=policy.remedy_hours),
        close=opened_at + timedelta(hours=policy.close_hours),
    )


@dataclass(frozen=True)
class Repair:
    """One earlier work order of the same product, as the repeat-repair rule sees it."""

    day: date
    fault: str  # the fault as a comparable key (e.g. the confirmed fault, normalised)
    in_warranty: bool


REPEAT_REPAIRS = 2  # two or more repairs of the same fault within warranty: a complaint risk


def repeat_repairs(repairs: list[Repair], *, fault: str) -> int:
    """How many in-warranty repairs of the product were for this fault."""
    key = normalise_fault(fault)
    return sum(1 for r in repairs if r.in_warranty and normalise_fault(r.fault) == key)


def normalise_fault(text: str) -> str:
    """Faults compare without spaces and punctuation ("不制冷。" == "不 制冷")."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass(frozen=True)
class CaseFacts:
    high_severity: bool
    deadlines: Deadlines
    first_contact_at: datetime | None
    remedy_agreed_at: datetime | None
    repeat_repairs: int
    already_escalated: bool


def escalation_reasons(facts: CaseFacts, *, now: datetime) -> list[dict]:
    """Why the case must go to a supervisor now (empty: it need not), as words each reader reads in
    their language (core.words). Manual escalation is separate."""
    if facts.already_escalated:
        return []
    reasons = []
    if facts.high_severity:
        reasons.append(said(gettext_noop("high severity")))
    if facts.repeat_repairs >= REPEAT_REPAIRS:
        reasons.append(said(gettext_noop("%(n)s repairs of the same fault within warranty"), n=facts.repeat_repairs))
    if facts.first_contact_at is None and now > facts.deadlines.first_contact:
        reasons.append(said(gettext_noop("no contact with the customer by the deadline")))
    if facts.remedy_agreed_at is None and now > facts.deadlines.remedy:
        reasons.append(said(gettext_noop("no remedy agreed by the deadline")))
    if now > facts.deadlines.close:
        reasons.append(said(gettext_noop("not closed by the deadline")))
    return reasons


RANKS = ("handler", "supervisor", "headquarters")  # lowest first (models.Rank)


def _at_least(rank: str, needed: str) -> bool:
    return RANKS.index(rank) >= RANKS.index(needed)


def needs_approval(*, amount: Decimal, limit: Decimal | None, kind_rank: str, proposer_rank: str) -> bool:
    """A remedy waits for approval when its kind is granted by a higher rank than the proposer's
    (whatever it is worth: an exchange at ¥0 too), or when it is worth more than the proposer's limit
    (no limit set means none)."""
    if not _at_least(proposer_rank, kind_rank):
        return True
    if limit is None:
        return amount > 0
    return amount > limit


def may_approve(*, amount: Decimal, limit: Decimal | None, kind_rank: str, approver_rank: str) -> bool:
    """A supervisor (or higher) of the kind's rank approves within their own limit; headquarters above it."""
    if not _at_least(approver_rank, max(kind_rank, "supervisor", key=RANKS.index)):
        return False
    return approver_rank == "headquarters" or (limit is not None and amount <= limit)
