"""Pure dispatch rules on plain values: free slots, the suggestion ranking, departure and lateness,
the routes parts take between stock levels and what to reorder."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

ARRIVE_EARLY = timedelta(minutes=10)  # leave so as to arrive 5-10 minutes before the window opens
SLOT_STEP = timedelta(minutes=30)  # candidate start times on the board's grid
BOOKING_LENGTH = timedelta(hours=2)  # a visit as the board and the customer's booking page plan it


def planned_departure(*, starts_at: datetime, travel_minutes: int) -> datetime:
    """When to leave: travel time plus a margin before the window opens."""
    return starts_at - timedelta(minutes=travel_minutes) - ARRIVE_EARLY


LATE_CALL_BEFORE = timedelta(minutes=2)  # running late: call the customer 1-2 minutes before the agreed time


def minutes_late(*, arrived_at: datetime, agreed_at: datetime) -> int:
    """Whole minutes after the agreed time, the start of the appointment the customer agreed (DOMAIN:
    not the end of a window); 0 when on time; a started minute counts."""
    late = (arrived_at - agreed_at).total_seconds()
    return max(0, math.ceil(late / 60))


def expected_arrival(
    *, now: datetime, departed_at: datetime | None, planned_departure_at: datetime | None, travel_minutes: int | None
) -> datetime | None:
    """When the engineer will arrive at the earliest: travel time from departure (or from now, if
    the planned departure has passed without one); None when the travel time is not known."""
    if travel_minutes is None:
        return None
    leaves = departed_at or max(now, planned_departure_at or now)
    return leaves + timedelta(minutes=travel_minutes)


def late_call(*, agreed_at: datetime, arrives_at: datetime | None) -> datetime | None:
    """When to call the customer about a late arrival (1-2 minutes before the agreed time), or None
    when the engineer will be on time."""
    if arrives_at is None or arrives_at <= agreed_at:
        return None
    return agreed_at - LATE_CALL_BEFORE


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open windows [start, end): one ending at 10:00 and the next starting at 10:00 do not overlap."""
    return a_start < b_end and b_start < a_end


def nearest_free_start(
    *,
    busy: list[tuple[datetime, datetime]],
    day_start: datetime,
    day_end: datetime,
    wanted: datetime,
    length: timedelta,
) -> datetime | None:
    """The start on the half-hour grid nearest to `wanted` where a window of `length` fits the
    working day without touching a busy window; None when the day is full."""
    best = None
    start = day_start
    while start + length <= day_end:
        if not any(overlaps(start, start + length, b_start, b_end) for b_start, b_end in busy):
            if best is None or abs(start - wanted) < abs(best - wanted):
                best = start
        start += SLOT_STEP
    return best


@dataclass(frozen=True)
class Candidate:
    """One engineer as the ranking sees them for one order."""

    engineer_id: int
    name: str
    has_skill: bool
    does_service_type: bool
    near_base: bool  # the engineer's base area appears in the service address
    free_start: datetime | None  # nearest free start to the wanted time, None if the day is full
    jobs_that_day: int
    capacity: int


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    reasons: list[str] = field(default_factory=list)


def rank(candidates: list[Candidate], *, wanted: datetime) -> list[Suggestion]:
    """Engineers who can take the job, best first, each with the reasons for the place given.

    Skill matters most, then a free slot close to the time the customer asked for, then being
    based near the address, then how busy the engineer already is that day. Engineers without a free slot or at
    capacity are left out.
    """
    suggestions = []
    for c in candidates:
        if c.free_start is None or c.jobs_that_day >= c.capacity:
            continue
        score, reasons = 0, []
        if c.has_skill:
            score += 40
            reasons.append(_("knows this product category"))
        if c.does_service_type:
            score += 10
            reasons.append(_("does this kind of service"))
        gap_minutes = abs((c.free_start - wanted).total_seconds()) / 60
        score += max(0, 30 - int(gap_minutes // 20))  # loses a point per 20 minutes away
        if gap_minutes == 0:
            reasons.append(_("free at the time asked for"))
        else:
            reasons.append(_("free %(minutes)d minutes from the time asked for") % {"minutes": gap_minutes})
        if c.near_base:
            score += 10
            reasons.append(_("based near the address"))
        score += round(10 * (1 - c.jobs_that_day / c.capacity))
        reasons.append(
            _("%(jobs)d of %(capacity)d jobs booked that day") % {"jobs": c.jobs_that_day, "capacity": c.capacity}
        )
        suggestions.append(Suggestion(candidate=c, score=score, reasons=reasons))
    return sorted(suggestions, key=lambda s: (-s.score, s.candidate.jobs_that_day, s.candidate.engineer_id))


SIGNATURE_PREFIX = "data:image/png;base64,"  # the signature pad's PNG
SIGNATURE_MAX = 200_000  # characters of the data URL


def sign_off_problems(
    *,
    signature: str,
    signature_refused_reason: str,
    rating_quality: int | None,
    rating_attitude: int | None,
    amount_due,
    bill_later: bool,
    payment_method: str,
    payment_methods,
) -> dict[str, str]:
    """What stops a sign-off, by field (empty when it may go ahead): a signature on the screen, or why there
    is none; ratings from 1 to 5 when given; what is due paid now or billed later."""
    problems = {}
    if signature_refused_reason.strip():
        pass  # not forced to sign (DOMAIN "Sign-off"): the reason is recorded instead
    elif not signature.startswith(SIGNATURE_PREFIX):
        problems["signature"] = _("The customer signs on the screen (or record why they did not).")
    elif len(signature) > SIGNATURE_MAX:
        problems["signature"] = _("The signature image is too large.")
    for field_name, value in (("rating_quality", rating_quality), ("rating_attitude", rating_attitude)):
        if value is not None and not 1 <= value <= 5:
            problems[field_name] = _("Rate from 1 to 5.")
    if amount_due > 0 and not bill_later and payment_method not in payment_methods:
        problems["payment_method"] = _("Take the payment of ¥%(amount)s or bill it later.") % {"amount": amount_due}
    return problems


def parts_used(raw: list[dict]) -> list[dict]:
    """The parts a visit report lists, as stored: code and quantity (1 when not given)."""
    return [{"code": str(p["code"]).strip(), "quantity": int(p.get("quantity") or 1)} for p in raw]


def checklist_unanswered(
    *, checklist: dict, not_done: dict, no_test_run: bool, test_run_result: str, items
) -> list[str]:
    """The visit checklist items (服务规范) still unanswered: each is done, or not done with a reason;
    the test run is done with its result written, or recorded as "no time for a test run"."""
    unanswered = []
    for code in items:
        if code == "test_run":
            answered = (checklist.get(code) and test_run_result.strip()) or no_test_run
        else:
            answered = checklist.get(code) or str(not_done.get(code, "")).strip()
        if not answered:
            unanswered.append(code)
    return unanswered


def visit_report_problems(
    *,
    checklist: dict,
    not_done: dict,
    no_test_run: bool,
    checklist_items,
    proof: str,
    proofs,
    parts_complete: bool,
    tamper_note: str,
    tamper_acknowledged: bool,
    human_damage: bool,
    human_damage_acknowledged: bool,
    parts: list[dict],
) -> dict[str, str]:
    """What stops a visit report, by field (empty when it may be saved): known checklist items and proof;
    missing or tampered parts noted and acknowledged by the customer; human damage acknowledged too;
    each part used with a code and a quantity."""
    problems = {}
    if (set(checklist) | set(not_done)) - set(checklist_items):
        problems["checklist"] = _("Unknown checklist item.")
    elif any(checklist.get(code) and str(reason).strip() for code, reason in not_done.items()):
        problems["checklist"] = _("An item is either done or not done with a reason, not both.")
    if no_test_run and checklist.get("test_run"):
        problems["no_test_run"] = _("Either the test run was made or there was no time for it.")
    if proof and proof not in proofs:
        problems["proof"] = _("Say whether the proof of purchase was seen or the barcode used.")
    if not parts_complete and not (tamper_note.strip() and tamper_acknowledged):
        problems["tamper_note"] = _("Note what is missing or tampered with, and have the customer acknowledge it.")
    if human_damage and not human_damage_acknowledged:
        problems["human_damage_acknowledged"] = _("The customer must acknowledge the damage found.")
    if any(not p["code"] or p["quantity"] < 1 for p in parts):
        problems["parts_used"] = _("Each part needs a code and a quantity of at least 1.")
    return problems


# The routes parts take between the three stock levels: the centre warehouse supplies its outlets and
# takes their defective parts back; an outlet stocks its engineers' vans and takes back what they do
# not fit; outlets of one centre lend each other. A van is never stocked from the warehouse directly.
TRANSFER_ROUTES = frozenset(
    {("centre", "outlet"), ("outlet", "centre"), ("outlet", "outlet"), ("outlet", "van"), ("van", "outlet")}
)


def transfer_refusal(*, source_level: str, destination_level: str, same_centre: bool) -> str | None:
    """Why parts may not go from one place to another, or None when they may."""
    if not same_centre:
        return _("Parts move between places of one centre only.")
    if (source_level, destination_level) not in TRANSFER_ROUTES:
        return _("Vans are stocked by their outlet, outlets by their centre's warehouse.")
    return None


def reorder_shortfall(*, in_stock: int, on_the_way: int, reorder_point: int) -> int:
    """How many to order so that stock and parts on their way reach the reorder point again; 0 when
    they are at or above it (or no reorder point is set)."""
    return max(0, reorder_point - in_stock - on_the_way)
