"""The three-guarantees (三包) entitlement engine: pure functions on plain values, no database.

Day counting follows the national rules: the purchase day is day 0, "within 7 days" means
fault date - start date <= 7. Month periods end on the same date of the final month, or on
that month's last day. Every decision lists the rules it applied (stable codes + sentences)
and the dates it used.
"""

import calendar
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import partial

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.words import joined, label_words, said

WHOLE_UNIT = "whole"
CENT = Decimal("0.01")


class FaultType(StrEnum):
    PERFORMANCE = "performance"  # 性能故障: covered
    HUMAN_DAMAGE = "human_damage"  # 人为损坏, water damage, unauthorised repair: paid only
    NO_FAULT = "no_fault"  # nothing found to repair


class NoProofRule(StrEnum):
    PAID_ONLY = "paid_only"  # without proof of purchase: paid service only
    SERIAL_DATE = "serial_date"  # count from the serial's production date + N days, repair only
    OTHER_EVIDENCE = "other_evidence"  # other evidence of the purchase date is accepted


class Option(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"
    FREE_REPAIR = "free_repair"
    PAID_REPAIR = "paid_repair"


OPTION_ORDER = list(Option)
OPTION_LABELS = {
    Option.RETURN: lambda: _("Return"),
    Option.EXCHANGE: lambda: _("Exchange"),
    Option.FREE_REPAIR: lambda: _("Free repair"),
    Option.PAID_REPAIR: lambda: _("Paid repair"),
}


def options_words(options) -> dict | str:
    """The options as words kept for later readers (core.words), in whichever language they read."""
    return joined([label_words(OPTION_LABELS[Option(o)]) for o in options], " / ") if options else "—"


FREE_OPTIONS = frozenset({Option.RETURN, Option.EXCHANGE, Option.FREE_REPAIR})


class ReturnTerms(StrEnum):
    FULL_REFUND = "full_refund"
    LESS_DEPRECIATION = "less_depreciation"


@dataclass(frozen=True)
class PolicyTerms:
    """One version of a warranty policy, as plain values."""

    code: str
    return_days: int = 7
    exchange_days: int = 15
    warranty_months: int = 12
    component_months: Mapping[str, int] = field(default_factory=dict)  # main parts and accessories
    repairs_before_exchange: int = 2
    parts_wait_limit_days: int = 90
    repairer_delay_limit_days: int = 30
    repair_guarantee_days: int = 30
    depreciation_rate_per_day: Decimal = Decimal("0.001")  # fraction of the price per day of use
    no_proof_rule: NoProofRule = NoProofRule.PAID_ONLY
    no_proof_grace_days: int = 90
    holiday_roll_over: bool = False
    exchange_restarts_period: bool = True


@dataclass(frozen=True)
class Case:
    """The facts of one product and fault."""

    purchase_date: date | None
    fault_date: date
    fault_type: FaultType = FaultType.PERFORMANCE
    component: str = WHOLE_UNIT
    has_proof: bool = True
    production_date: date | None = None
    prior_repairs: int = 0
    parts_wait_days: int = 0
    repairer_days: int = 0
    last_repair_date: date | None = None
    replacement_date: date | None = None
    price: Decimal | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The sentence in the active language."""
        shown = {k: _shown(k, v) for k, v in self.params.items()}
        return REASON_TEXTS[self.code]() % shown

    def words(self) -> dict:
        """The sentence as words kept for later readers (core.words): dates as ISO days, a component by
        its label."""
        params = {
            k: v.isoformat()
            if isinstance(v, date)
            else label_words(partial(component_label, v))
            if k == "component"
            else v
            for k, v in self.params.items()
        }
        return said(label_words(REASON_TEXTS[self.code])["id"], **params)

    def stored(self) -> dict:
        """As a work order keeps it (JSON): the code, its values, and the sentence as it read then."""
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in self.params.items()}
        return {"code": self.code, "params": params, "text": self.text}


DATE_PARAMS = frozenset({"until", "start", "repaired"})


def _shown(name: str, value):
    if isinstance(value, date):
        return date_format(value)
    if name == "component":
        return component_label(value)
    return value


def _stored_reason(stored: Mapping) -> Reason | None:
    if "params" not in stored or stored.get("code") not in REASON_TEXTS:
        return None
    params = {k: date.fromisoformat(v) if k in DATE_PARAMS else v for k, v in stored["params"].items()}
    return Reason(stored["code"], params)


def stored_reason_text(stored: Mapping) -> str:
    """A stored reason's sentence in the active language (one stored without its values: as it read then)."""
    reason = _stored_reason(stored)
    return reason.text if reason else stored.get("text", "")


def stored_reason_words(stored: Mapping) -> dict | str:
    """A stored reason as words for later readers (core.words); one stored without its values as it read."""
    reason = _stored_reason(stored)
    return reason.words() if reason else stored.get("text", "")


@dataclass(frozen=True)
class Decision:
    options: tuple[Option, ...]
    reasons: tuple[Reason, ...]
    policy_code: str
    period_start: date | None = None
    warranty_end: date | None = None
    return_until: date | None = None
    exchange_until: date | None = None
    return_terms: ReturnTerms | None = None
    depreciation_fee: Decimal | None = None

    @property
    def free_options(self) -> frozenset[Option]:
        return frozenset(self.options) & FREE_OPTIONS


class InvalidCase(ValueError):
    """A case the engine cannot decide; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# Sentences for each reason code; params are filled in with %(name)s.
REASON_TEXTS = {
    "no_fault": lambda: _("No fault was found: there is nothing to repair."),
    "human_damage": lambda: _(
        "Human or water damage, or unauthorised repair, takes the product out of free service: paid repair only."
    ),
    "no_proof": lambda: _("No proof of purchase and no usable production date: paid repair only."),
    "no_proof_serial_date": lambda: _(
        "No proof of purchase: the period counts from the production date plus %(days)s days "
        "(from %(start)s); repair only, no return or exchange."
    ),
    "exchange_restarted": lambda: _("The product was exchanged on %(start)s: the period restarts from that day."),
    "within_return_window": lambda: _(
        "Performance fault on day %(day)s after purchase, within the %(days)s-day return period "
        "(until %(until)s): return, exchange or free repair."
    ),
    "within_exchange_window": lambda: _(
        "Performance fault on day %(day)s after purchase, within the %(days)s-day exchange period "
        "(until %(until)s): exchange or free repair."
    ),
    "within_warranty": lambda: _(
        "Within the %(months)s-month warranty of %(component)s (until %(until)s): free repair."
    ),
    "warranty_extended": lambda: _(
        "The warranty end moves %(days)s days later for the time spent waiting for parts and in repair."
    ),
    "holiday_roll_over": lambda: _("The period ended on a public holiday and runs to the next working day."),
    "repaired_twice": lambda: _(
        "Repaired %(repairs)s times within the warranty and still failing: exchange, or return less depreciation."
    ),
    "parts_wait_exceeded": lambda: _(
        "Waited %(days)s days for spare parts, more than the %(limit)s-day limit: the product must be exchanged."
    ),
    "repairer_delay_exceeded": lambda: _(
        "The repair took %(days)s days through the repairer's own delay, more than the %(limit)s-day limit: "
        "the product must be exchanged."
    ),
    "repair_guarantee": lambda: _(
        "Failed again within %(days)s days of the repair on %(repaired)s (until %(until)s): repaired free."
    ),
    "warranty_expired": lambda: _("The warranty ended on %(until)s: paid repair."),
}


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the last day of that month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def roll_past_holidays(day: date, holidays: Collection[date]) -> date:
    while day in holidays:
        day += timedelta(days=1)
    return day


def decide(case: Case, policy: PolicyTerms, *, holidays: Collection[date] = ()) -> Decision:
    """What the customer may choose for this case under one policy."""
    _validate(case)
    if case.fault_type == FaultType.NO_FAULT:
        return Decision(options=(), reasons=(Reason("no_fault"),), policy_code=policy.code)

    reasons: list[Reason] = []
    start, proof_based = _period_start(case, policy, reasons)
    if start is None:
        return Decision(options=(Option.PAID_REPAIR,), reasons=tuple(reasons), policy_code=policy.code)
    if case.fault_type == FaultType.HUMAN_DAMAGE:
        return Decision(
            options=(Option.PAID_REPAIR,),
            reasons=(Reason("human_damage"),),
            policy_code=policy.code,
            period_start=start,
        )

    period_end = partial(_period_end, policy=policy, holidays=holidays, reasons=reasons)

    day = (case.fault_date - start).days
    options: set[Option] = set()
    return_until = exchange_until = None
    return_terms = None
    fee = None
    if proof_based:
        return_until = period_end(start + timedelta(days=policy.return_days))
        exchange_until = period_end(start + timedelta(days=policy.exchange_days))
        return_terms, fee = _rights_after_sale(case, policy, day, return_until, exchange_until, options, reasons)

    months = policy.component_months.get(case.component, policy.warranty_months)
    extension = case.parts_wait_days + case.repairer_days
    warranty_end = period_end(add_months(start, months) + timedelta(days=extension))
    if extension:
        reasons.append(Reason("warranty_extended", {"days": extension}))

    if case.fault_date <= warranty_end:
        options.add(Option.FREE_REPAIR)
        reasons.append(
            Reason(
                "within_warranty",
                {"months": months, "component": case.component, "until": warranty_end},
            )
        )
        if proof_based:
            return_terms, fee = _rights_within_warranty(case, policy, day, options, reasons, return_terms, fee)
    else:
        _after_warranty(case, policy, warranty_end, options, reasons)

    if not options:
        options.add(Option.PAID_REPAIR)
    return Decision(
        options=tuple(o for o in OPTION_ORDER if o in options),
        reasons=tuple(reasons),
        policy_code=policy.code,
        period_start=start,
        warranty_end=warranty_end,
        return_until=return_until,
        exchange_until=exchange_until,
        return_terms=return_terms if Option.RETURN in options else None,
        depreciation_fee=fee if Option.RETURN in options else None,
    )


def _period_end(day: date, *, policy, holidays, reasons: list) -> date:
    """A period's last day, moved past public holidays where the policy says so (and said in the reasons)."""
    if not policy.holiday_roll_over:
        return day
    rolled = roll_past_holidays(day, holidays)
    if rolled != day:
        reasons.append(Reason("holiday_roll_over"))
    return rolled


def _after_warranty(case, policy, warranty_end: date, options: set, reasons: list) -> None:
    """Past the warranty: a repair still under its own guarantee (30 days) is free; otherwise, with no right
    left from the sale, the warranty has expired. Adds to `options` and `reasons`."""
    if case.last_repair_date is not None and case.fault_date <= (
        guarantee_end := case.last_repair_date + timedelta(days=policy.repair_guarantee_days)
    ):
        options.add(Option.FREE_REPAIR)
        reasons.append(
            Reason(
                "repair_guarantee",
                {"days": policy.repair_guarantee_days, "repaired": case.last_repair_date, "until": guarantee_end},
            )
        )
    elif not options:
        reasons.append(Reason("warranty_expired", {"until": warranty_end}))


def _rights_after_sale(case, policy, day, return_until, exchange_until, options, reasons):
    """Within 7 days of sale: return, exchange or repair; within 15: exchange or repair (三包). Adds to
    `options` and `reasons`; returns the return terms and fee (a full refund) when a return is open."""
    if case.fault_date <= return_until:
        options |= {Option.RETURN, Option.EXCHANGE, Option.FREE_REPAIR}
        reasons.append(Reason("within_return_window", {"day": day, "days": policy.return_days, "until": return_until}))
        return ReturnTerms.FULL_REFUND, Decimal("0.00")
    if case.fault_date <= exchange_until:
        options |= {Option.EXCHANGE, Option.FREE_REPAIR}
        reasons.append(
            Reason("within_exchange_window", {"day": day, "days": policy.exchange_days, "until": exchange_until})
        )
    return None, None


def _rights_within_warranty(case, policy, day, options, reasons, return_terms, fee):
    """Within the warranty, with proof of purchase: exchange or return after repeated repairs (less
    depreciation), and exchange when spare parts or the repairer kept the product too long. Adds to
    `options` and `reasons`; returns the return terms and fee, the earlier ones if a return was open already."""
    if case.prior_repairs >= policy.repairs_before_exchange:
        options |= {Option.EXCHANGE, Option.RETURN}
        reasons.append(Reason("repaired_twice", {"repairs": case.prior_repairs}))
        if return_terms is None:
            return_terms = ReturnTerms.LESS_DEPRECIATION
            fee = _depreciation(case.price, policy.depreciation_rate_per_day, day)
    if case.parts_wait_days > policy.parts_wait_limit_days:
        options.add(Option.EXCHANGE)
        reasons.append(
            Reason("parts_wait_exceeded", {"days": case.parts_wait_days, "limit": policy.parts_wait_limit_days})
        )
    if case.repairer_days > policy.repairer_delay_limit_days:
        options.add(Option.EXCHANGE)
        reasons.append(
            Reason("repairer_delay_exceeded", {"days": case.repairer_days, "limit": policy.repairer_delay_limit_days})
        )
    return return_terms, fee


def decide_best(case: Case, policies: list[PolicyTerms], *, holidays: Collection[date] = ()) -> Decision:
    """The customer always gets the better of several policies (national and the maker's own)."""
    decisions = [decide(case, policy, holidays=holidays) for policy in policies]
    best = max(decisions, key=_generosity)
    options = set().union(*(d.options for d in decisions))
    if options - {Option.PAID_REPAIR}:
        options.discard(Option.PAID_REPAIR)
    refund = _best_refund(decisions)
    return replace(
        best,
        options=tuple(o for o in OPTION_ORDER if o in options),
        reasons=tuple(r for d in sorted(decisions, key=_generosity, reverse=True) for r in d.reasons),
        warranty_end=_latest(d.warranty_end for d in decisions),
        return_until=_latest(d.return_until for d in decisions),
        exchange_until=_latest(d.exchange_until for d in decisions),
        return_terms=refund.return_terms if refund else None,
        depreciation_fee=refund.depreciation_fee if refund else None,
    )


def _best_refund(decisions: list[Decision]) -> Decision | None:
    """Of the decisions that allow a return, the one refunding most: a full refund, else the least depreciation."""
    refunds = [d for d in decisions if d.return_terms is not None]
    return min(
        refunds, key=lambda d: (d.return_terms != ReturnTerms.FULL_REFUND, d.depreciation_fee or 0), default=None
    )


def _generosity(decision: Decision) -> tuple:
    return (len(decision.free_options), decision.warranty_end or date.min, decision.exchange_until or date.min)


def _latest(dates) -> date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def _period_start(case: Case, policy: PolicyTerms, reasons: list[Reason]) -> tuple[date | None, bool]:
    """When the periods start, and whether they rest on proof of purchase (return/exchange allowed)."""
    if case.replacement_date is not None and policy.exchange_restarts_period:
        reasons.append(Reason("exchange_restarted", {"start": case.replacement_date}))
        return case.replacement_date, True
    if case.has_proof or (policy.no_proof_rule == NoProofRule.OTHER_EVIDENCE and case.purchase_date):
        return case.purchase_date, True
    if policy.no_proof_rule == NoProofRule.SERIAL_DATE and case.production_date is not None:
        start = case.production_date + timedelta(days=policy.no_proof_grace_days)
        reasons.append(Reason("no_proof_serial_date", {"days": policy.no_proof_grace_days, "start": start}))
        return start, False
    reasons.append(Reason("no_proof"))
    return None, False


def _depreciation(price: Decimal | None, rate: Decimal, days_used: int) -> Decimal | None:
    if price is None:
        return None
    return min(price, (price * rate * max(days_used, 0)).quantize(CENT, rounding=ROUND_HALF_UP))


def _validate(case: Case) -> None:
    if case.has_proof and case.purchase_date is None and case.replacement_date is None:
        raise InvalidCase("purchase_date", _("A purchase date is needed when there is proof of purchase."))
    if case.purchase_date and case.fault_date < case.purchase_date:
        raise InvalidCase("fault_date", _("The fault date is before the purchase date."))
    for name in ("prior_repairs", "parts_wait_days", "repairer_days"):
        if getattr(case, name) < 0:
            raise InvalidCase(name, _("Must not be negative."))
    if case.price is not None and case.price < 0:
        raise InvalidCase("price", _("Must not be negative."))
    if case.last_repair_date and case.last_repair_date > case.fault_date:
        raise InvalidCase("last_repair_date", _("The last repair is after the fault date."))
    if case.replacement_date and case.replacement_date > case.fault_date:
        raise InvalidCase("replacement_date", _("The exchange is after the fault date."))


COMPONENT_LABELS = {
    WHOLE_UNIT: lambda: _("the whole unit"),
    "battery": lambda: _("battery"),
    "charger": lambda: _("charger"),
    "headset": lambda: _("wired headset"),
    "compressor": lambda: _("compressor"),
    "motor": lambda: _("motor"),
    "picture_tube": lambda: _("picture tube"),
    "line_output_transformer": lambda: _("line output transformer"),
    "tuner": lambda: _("tuner"),
    "ic": lambda: _("integrated circuits"),
    "main_parts": lambda: _("main parts"),
    "mainboard": lambda: _("mainboard"),
    "cpu": lambda: _("CPU"),
    "memory": lambda: _("memory"),
    "display": lambda: _("display"),
    "disk": lambda: _("disk"),
    "keyboard": lambda: _("keyboard"),
    "power_adapter": lambda: _("power adapter"),
}


def component_choices() -> list[tuple[str, str]]:
    """The parts a fault may be of, whole unit first (forms' and serializers' choices)."""
    return [(code, label()) for code, label in COMPONENT_LABELS.items()]


def component_label(code: str) -> str:
    label = COMPONENT_LABELS.get(code)
    return label() if label else code
