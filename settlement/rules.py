"""The claim's pure rules (no database): what a completed in-warranty order is worth to the maker by the
settlement price list, and the named checks that hold a claim until what they found is cleared.

Each check is a rule with a code, a name, what it found and what clears it, kept as words (core.words) so
every reader sees them in their own language."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.words import joined, said

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Prices:
    """One settlement price list as plain values."""

    labour: Mapping[tuple[str, str, str], Decimal]  # (category, service type, "bench"/"onsite") -> amount
    bands: tuple[tuple[int | None, Decimal], ...]  # (up to km or None for any farther, travel), nearest first
    parts: Mapping[str, Decimal]  # part code -> price paid
    exchange_handling: Decimal = ZERO
    return_handling: Decimal = ZERO
    repeat_days: int = 30


@dataclass(frozen=True)
class ClaimFacts:
    """What the order's records say, gathered by the service at close and at every re-check."""

    category: str
    service_type: str
    onsite: bool
    closed: bool  # the order is closed (a reopened order's claim waits for it to close again)
    service_day: date
    in_warranty: bool  # what the warranty decision on the order states
    warranty_end: date | None
    signed: bool  # the customer's signature on the sign-off, pickup or exchange slip
    signature_refused: bool
    callback_outcome: str | None  # the last callback made after the service; None: none made yet
    callback_finding: bool  # a callback contradicted the engineer's record (a false "satisfied")
    days_since_last_claim: int | None  # the same product's previous claim (not rejected), by close dates
    parts_claimed: Mapping[str, int] = field(default_factory=dict)  # code -> quantity (the order's quote)
    parts_used: Mapping[str, int] = field(default_factory=dict)  # code -> quantity (visit reports, requisitions)
    distance_km: int | None = None
    swap: str = ""  # "exchange" or "return" when the order ended in one
    repaired: bool = True  # repaired at the bench or on site (an exchange or return alone pays no labour)
    returns_overdue: tuple[str, ...] = ()  # tags of old parts past their ship-by day, not shipped
    returns_failed: tuple[tuple[str, str], ...] = ()  # (tag, what the centre found) for parts not as claimed


@dataclass(frozen=True)
class Line:
    kind: str  # ClaimLine.Kind
    code: str
    words: dict
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Finding:
    rule: str
    words: dict  # what was found
    clears: dict  # what clears it
    blocking: bool = False  # cleared only by the facts changing; otherwise headquarters may approve with a note

    def stored(self) -> dict:
        return {"rule": self.rule, "words": self.words, "clears": self.clears, "blocking": self.blocking}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def band_for(bands, distance_km: int | None) -> tuple[int | None, Decimal] | None:
    """The distance band a trip falls in; an unrecorded distance pays the nearest band."""
    if not bands:
        return None
    if distance_km is None:
        return bands[0]
    for limit, travel in bands:
        if limit is None or distance_km <= limit:
            return limit, travel
    return None


def claim_lines(prices: Prices, facts: ClaimFacts) -> tuple[list[Line], list[Finding]]:
    """The claim's priced lines; a price the list does not have is a finding (the line is paid 0)."""
    lines: list[Line] = []
    missing: list[Finding] = []
    place = "onsite" if facts.onsite else "bench"
    labour = prices.labour.get((facts.category, facts.service_type, place))
    if labour is None and (facts.repaired or facts.onsite):
        missing.append(
            Finding(
                "price_missing",
                said(
                    gettext_noop("The price list has no labour rate for %(category)s / %(service)s / %(place)s."),
                    category=facts.category,
                    service=facts.service_type,
                    place=PLACES[place],
                ),
                said(gettext_noop("Headquarters adds the rate to the price list, then re-checks the claim.")),
                blocking=True,
            )
        )
    if facts.repaired or facts.onsite:
        lines.append(
            Line("labour", place, said(gettext_noop("Labour")), 1, money(labour or ZERO), money(labour or ZERO))
        )
    if facts.onsite:
        band = band_for(prices.bands, facts.distance_km)
        travel = band[1] if band else ZERO
        if facts.distance_km is None:
            words = said(gettext_noop("Travel (distance not recorded)"))
        elif band and band[0] is not None:
            words = said(gettext_noop("Travel, %(km)s km (up to %(limit)s km)"), km=facts.distance_km, limit=band[0])
        else:
            words = said(gettext_noop("Travel, %(km)s km"), km=facts.distance_km)
        lines.append(Line("travel", "", words, 1, money(travel), money(travel)))
    for code, quantity in sorted(facts.parts_claimed.items()):
        price = prices.parts.get(code)
        if price is None:
            missing.append(
                Finding(
                    "price_missing",
                    said(gettext_noop("The price list has no price for part %(code)s."), code=code),
                    said(gettext_noop("Headquarters adds the part to the price list, then re-checks the claim.")),
                    blocking=True,
                )
            )
        unit = money(price or ZERO)
        lines.append(
            Line("part", code, said(gettext_noop("Part %(code)s"), code=code), quantity, unit, unit * quantity)
        )
    if facts.swap:
        fee = prices.exchange_handling if facts.swap == "exchange" else prices.return_handling
        words = (
            said(gettext_noop("Exchange handling"))
            if facts.swap == "exchange"
            else said(gettext_noop("Return handling"))
        )
        lines.append(Line("handling", facts.swap, words, 1, money(fee), money(fee)))
    return lines, missing


PLACES = {"bench": _("at the outlet"), "onsite": _("on site")}

# The checks, in the order they are shown: code -> name.
RULES = {
    "order_open": _("The order is closed"),
    "outside_warranty": _("Within the warranty the decision states"),
    "signature": _("Customer's signature"),
    "callback": _("Callback made and satisfied"),
    "callback_finding": _("No callback finding"),
    "repeat_repair": _("Not a repeat repair"),
    "parts_not_used": _("Parts claimed were used"),
    "old_part_return": _("Old parts shipped in time"),
    "old_part_inspection": _("Old parts received as claimed"),
    "price_missing": _("Priced by the price list"),
}
INSPECTION_FOUND = {
    "missing": _("missing from the shipment"),
    "wrong_part": _("not the part claimed"),
    "not_faulty": _("not faulty"),
}

SATISFIED = "satisfied"


def check(facts: ClaimFacts, *, repeat_days: int) -> list[Finding]:
    """Every check that finds something, in RULES order (price_missing comes from claim_lines)."""
    found: list[Finding] = []
    if not facts.closed:
        found.append(
            Finding(
                "order_open",
                said(gettext_noop("The order was reopened after the claim was made.")),
                said(gettext_noop("The claim is checked again when the order closes.")),
                blocking=True,
            )
        )
    if not facts.in_warranty:
        found.append(
            Finding(
                "outside_warranty",
                said(gettext_noop("The warranty decision on the order says it is not in warranty.")),
                said(gettext_noop("Re-decide the warranty on the order if the decision was wrong.")),
            )
        )
    elif facts.warranty_end is not None and facts.service_day > facts.warranty_end:
        found.append(
            Finding(
                "outside_warranty",
                said(
                    gettext_noop("Serviced on %(day)s, after the warranty ended on %(end)s."),
                    day=facts.service_day.isoformat(),
                    end=facts.warranty_end.isoformat(),
                ),
                said(gettext_noop("Re-decide the warranty on the order if the decision was wrong.")),
            )
        )
    if facts.signature_refused or not facts.signed:
        found.append(
            Finding(
                "signature",
                said(gettext_noop("The customer refused to sign."))
                if facts.signature_refused
                else said(gettext_noop("No customer signature on the sign-off.")),
                said(gettext_noop("Headquarters approves with a note once a satisfied callback confirms the service.")),
            )
        )
    if facts.callback_outcome is None:
        found.append(
            Finding(
                "callback",
                said(gettext_noop("No callback after the service has reached the customer yet.")),
                said(gettext_noop("Make the callback; the claim is checked again when it is recorded.")),
                blocking=True,
            )
        )
    elif facts.callback_outcome != SATISFIED:
        found.append(
            Finding(
                "callback",
                said(gettext_noop("The customer was not satisfied on the callback.")),
                said(gettext_noop("Serve the customer until a callback finds them satisfied.")),
            )
        )
    if facts.callback_finding:
        found.append(
            Finding(
                "callback_finding",
                said(gettext_noop("A callback found the engineer's record contradicted (a false “satisfied”).")),
                said(gettext_noop("Headquarters adjusts or rejects the claim after the remedial callback.")),
            )
        )
    if facts.days_since_last_claim is not None and facts.days_since_last_claim <= repeat_days:
        found.append(
            Finding(
                "repeat_repair",
                said(
                    gettext_noop("The same product was claimed %(days)s days earlier (within %(limit)s days)."),
                    days=facts.days_since_last_claim,
                    limit=repeat_days,
                ),
                said(gettext_noop("Headquarters decides whether the repeat repair is paid.")),
            )
        )
    if facts.returns_overdue:
        found.append(
            Finding(
                "old_part_return",
                said(
                    gettext_noop("Old parts not shipped to the centre by their day: %(tags)s."),
                    tags=", ".join(facts.returns_overdue),
                ),
                said(gettext_noop("Ship the parts; the claim is checked again when they are shipped.")),
                blocking=True,
            )
        )
    if facts.returns_failed:
        found.append(
            Finding(
                "old_part_inspection",
                said(
                    gettext_noop("The centre's inspection found: %(found)s."),
                    found=joined(
                        [
                            said(gettext_noop("%(tag)s %(what)s"), tag=tag, what=INSPECTION_FOUND[status])
                            for tag, status in facts.returns_failed
                        ],
                        "; ",
                    ),
                ),
                said(gettext_noop("Headquarters adjusts the claim (the part is not paid) or rejects it.")),
            )
        )
    unused = {
        code: quantity - facts.parts_used.get(code, 0)
        for code, quantity in facts.parts_claimed.items()
        if quantity > facts.parts_used.get(code, 0)
    }
    if unused:
        found.append(
            Finding(
                "parts_not_used",
                said(
                    gettext_noop("Parts claimed but not recorded as used: %(parts)s."),
                    parts=", ".join(f"{code} ×{n}" for code, n in sorted(unused.items())),
                ),
                said(gettext_noop("Record the parts on the visit report or requisition, or take them off the quote.")),
            )
        )
    return found
