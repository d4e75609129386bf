"""The quote: pure fee calculation from a fee schedule's rates (no database).

Out-of-warranty work is charged strictly per the schedule; in-warranty work costs the customer
nothing; where the customer's warranty card names a lower price than the schedule, the lower
price applies; a software adjustment is free for the schedule's months after installation.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.words import read, said
from warranty.engine import add_months

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class ServiceType(StrEnum):
    REPAIR = "repair"
    INSTALLATION = "installation"
    SOFTWARE_ADJUSTMENT = "software_adjustment"
    ONSITE_VISIT = "onsite_visit"
    BENCH_INSPECTION = "bench_inspection"


class LineKind(StrEnum):
    LABOUR = "labour"
    PART = "part"
    VISIT = "visit"


@dataclass(frozen=True)
class Rates:
    """One fee schedule version as plain values."""

    labour: Mapping[tuple[str, str], Decimal]  # (category, service type) -> amount
    parts: Mapping[str, tuple[str, Decimal]]  # part code -> (name, unit price)
    visit_fee: Decimal
    software_free_months: int = 1  # free within this many months of installation
    software_charged_after_months: int = 3  # charged after this many; between the two: free (customer's favour)
    part_names_en: Mapping[str, str] = field(default_factory=dict)  # part code -> English name, where known


@dataclass(frozen=True)
class QuoteLine:
    kind: LineKind
    code: str
    description: str
    quantity: int
    unit_price: Decimal  # the price charged per unit (after the warranty-card comparison)
    amount: Decimal
    note: str = ""  # why the price differs from the schedule, if it does
    note_words: dict | None = None  # the note as words for later readers (core.words)
    description_en: str = ""  # a part's English name, where the schedule has one


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    total: Decimal
    in_warranty: bool
    notes: tuple[str, ...] = field(default_factory=tuple)


class QuoteError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quote(
    *,
    rates: Rates,
    category: str,
    service_type: ServiceType,
    parts: Sequence[tuple[str, int]] = (),
    in_warranty: bool = False,
    onsite: bool = False,
    card_prices: Mapping[str, Decimal] | None = None,
    installation_date: date | None = None,
    service_date: date | None = None,
) -> Quote:
    """Lines and total for a job. `card_prices` keys: a part code, "labour" or "visit"."""
    card_prices = card_prices or {}
    for key, price in card_prices.items():
        if price < 0:
            raise QuoteError("card_prices", _("The warranty-card price for %(key)s is negative.") % {"key": key})
    notes: list[str] = []
    lines: list[QuoteLine] = []

    labour = rates.labour.get((category, service_type))
    if labour is None:
        raise QuoteError(
            "service_type",
            _("The fee schedule has no labour rate for %(category)s / %(service)s.")
            % {"category": category, "service": service_type},
        )
    labour_note = None
    free_months = max(rates.software_free_months, rates.software_charged_after_months)
    if (
        service_type == ServiceType.SOFTWARE_ADJUSTMENT
        and installation_date is not None
        and service_date is not None
        and service_date <= add_months(installation_date, free_months)
    ):
        labour = ZERO
        labour_note = said(
            gettext_noop("Free: software adjustment within %(months)s months of installation (%(day)s)."),
            months=free_months,
            day=installation_date.isoformat(),
        )
    lines.append(_line(LineKind.LABOUR, "labour", _("Labour"), 1, labour, card_prices.get("labour"), labour_note))

    if onsite:
        lines.append(
            _line(LineKind.VISIT, "visit", _("On-site visit fee"), 1, rates.visit_fee, card_prices.get("visit"))
        )

    for code, quantity in parts:
        if quantity < 1:
            raise QuoteError("parts", _("The quantity of part %(code)s must be at least 1.") % {"code": code})
        if code not in rates.parts:
            raise QuoteError("parts", _("Part %(code)s is not in the fee schedule.") % {"code": code})
        name, unit = rates.parts[code]
        line = _line(LineKind.PART, code, name, quantity, unit, card_prices.get(code))
        lines.append(replace(line, description_en=rates.part_names_en.get(code, "")))

    if in_warranty:
        notes.append(_("Covered by the warranty: the customer pays nothing."))
        total = ZERO
    else:
        total = money(sum((line.amount for line in lines), ZERO))
    return Quote(lines=tuple(lines), total=total, in_warranty=in_warranty, notes=tuple(notes))


def _line(kind, code, description, quantity, schedule_price, card_price, note: dict | None = None) -> QuoteLine:
    unit = schedule_price
    if card_price is not None and card_price < unit:
        unit = card_price
        note = said(
            gettext_noop("Warranty-card price, lower than the schedule's %(price)s."), price=money(schedule_price)
        )
    return QuoteLine(
        kind,
        code,
        str(description),
        quantity,
        money(unit),
        money(unit * quantity),
        note=read(note) if note else "",
        note_words=note,
    )
