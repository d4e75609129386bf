"""The entitlement engine: every boundary of the rules, and properties over random cases."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warranty.engine import (
    Case,
    FaultType,
    InvalidCase,
    NoProofRule,
    Option,
    PolicyTerms,
    ReturnTerms,
    add_months,
    decide,
    decide_best,
)

R, E, F, P = Option.RETURN, Option.EXCHANGE, Option.FREE_REPAIR, Option.PAID_REPAIR
PHONE = PolicyTerms(
    code="phone",
    return_days=7,
    exchange_days=15,
    warranty_months=12,
    component_months={"battery": 6, "charger": 12, "headset": 3},
    parts_wait_limit_days=60,
    depreciation_rate_per_day=Decimal("0.005"),
    no_proof_rule=NoProofRule.SERIAL_DATE,
    no_proof_grace_days=90,
)
FRIDGE = PolicyTerms(
    code="refrigerator", component_months={"compressor": 36}, depreciation_rate_per_day=Decimal("0.0005")
)
BOUGHT = date(2026, 3, 10)


def on(day: int, **facts) -> Case:
    return Case(purchase_date=BOUGHT, fault_date=BOUGHT + timedelta(days=day), **facts)


def codes(decision) -> list[str]:
    return [r.code for r in decision.reasons]


@pytest.mark.parametrize(
    ("day", "options"),
    [(0, (R, E, F)), (7, (R, E, F)), (8, (E, F)), (15, (E, F)), (16, (F,))],
)
def test_return_and_exchange_windows_count_the_purchase_day_as_day_zero(day, options):
    decision = decide(on(day), PHONE)
    assert decision.options == options
    assert decision.return_until == date(2026, 3, 17)
    assert decision.exchange_until == date(2026, 3, 25)


def test_return_within_seven_days_is_a_full_refund():
    decision = decide(on(3, price=Decimal("2999.00")), PHONE)
    assert decision.return_terms == ReturnTerms.FULL_REFUND
    assert decision.depreciation_fee == Decimal("0.00")


def test_brand_with_longer_exchange_window():
    brand = PolicyTerms(code="phone-brand-30d", exchange_days=30)
    assert decide(on(30), brand).options == (E, F)
    assert decide(on(31), brand).options == (F,)


@pytest.mark.parametrize(
    ("fault", "options", "last_code"),
    [(date(2027, 3, 10), (F,), "within_warranty"), (date(2027, 3, 11), (P,), "warranty_expired")],
)
def test_last_day_of_warranty_and_the_day_after(fault, options, last_code):
    decision = decide(Case(purchase_date=BOUGHT, fault_date=fault), PHONE)
    assert decision.options == options
    assert decision.warranty_end == date(2027, 3, 10)
    assert codes(decision)[-1] == last_code


@pytest.mark.parametrize(
    ("bought", "months", "end"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day -> last day of February
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # month end
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # into a leap February
        (date(2026, 8, 31), 36, date(2029, 8, 31)),
        (date(2026, 10, 31), 6, date(2027, 4, 30)),
    ],
)
def test_month_periods_end_on_the_same_date_or_the_months_last_day(bought, months, end):
    assert add_months(bought, months) == end


def test_component_periods_differ_from_the_whole_unit():
    # Battery: 6 months; compressor: 36 months.
    assert decide(Case(purchase_date=BOUGHT, fault_date=date(2026, 9, 10), component="battery"), PHONE).options == (F,)
    assert decide(Case(purchase_date=BOUGHT, fault_date=date(2026, 9, 11), component="battery"), PHONE).options == (P,)
    late = Case(purchase_date=BOUGHT, fault_date=date(2029, 3, 10), component="compressor")
    assert decide(late, FRIDGE).options == (F,)
    assert decide(Case(purchase_date=BOUGHT, fault_date=date(2029, 3, 10)), FRIDGE).options == (P,)


def test_warranty_end_moves_later_by_days_waiting_for_parts_and_in_repair():
    case = Case(purchase_date=BOUGHT, fault_date=date(2027, 3, 20), parts_wait_days=6, repairer_days=4)
    decision = decide(case, PHONE)
    assert decision.warranty_end == date(2027, 3, 20)
    assert decision.options == (F,)
    assert "warranty_extended" in codes(decision)


def test_repaired_twice_and_still_failing_may_be_exchanged_or_returned_less_depreciation():
    decision = decide(on(100, prior_repairs=2, price=Decimal("1000.00")), PHONE)
    assert decision.options == (R, E, F)
    assert decision.return_terms == ReturnTerms.LESS_DEPRECIATION
    assert decision.depreciation_fee == Decimal("500.00")  # 1000 x 0.5% x 100 days
    assert decide(on(100, prior_repairs=1), PHONE).options == (F,)


def test_depreciation_never_exceeds_the_price():
    decision = decide(on(300, prior_repairs=3, price=Decimal("100.00")), PHONE)
    assert decision.depreciation_fee == Decimal("100.00")


@pytest.mark.parametrize(("waited", "options"), [(60, (F,)), (61, (E, F))])
def test_waiting_for_parts_beyond_the_limit_means_exchange(waited, options):
    assert decide(on(100, parts_wait_days=waited), PHONE).options == options


@pytest.mark.parametrize(("days", "options"), [(30, (F,)), (31, (E, F))])
def test_repairer_delay_beyond_the_limit_means_exchange(days, options):
    assert decide(on(100, repairer_days=days), PHONE).options == options


@pytest.mark.parametrize(("after_repair", "options"), [(30, (F,)), (31, (P,))])
def test_repair_guarantee_covers_thirty_days_after_a_repair_past_the_warranty(after_repair, options):
    repaired = date(2027, 3, 1)
    case = Case(purchase_date=BOUGHT, fault_date=repaired + timedelta(days=after_repair), last_repair_date=repaired)
    decision = decide(case, PHONE)
    assert decision.options == options


@pytest.mark.parametrize("fault_type", [FaultType.HUMAN_DAMAGE])
def test_human_damage_is_paid_repair_only_even_on_day_one(fault_type):
    decision = decide(on(1, fault_type=fault_type), PHONE)
    assert decision.options == (P,)
    assert codes(decision) == ["human_damage"]


def test_no_fault_found_offers_nothing_and_says_so():
    decision = decide(on(1, fault_type=FaultType.NO_FAULT), PHONE)
    assert decision.options == ()
    assert codes(decision) == ["no_fault"]
    assert decision.reasons[0].text


def test_no_proof_phone_counts_from_production_date_plus_90_days_repair_only():
    produced = date(2026, 1, 1)
    case = Case(purchase_date=None, has_proof=False, production_date=produced, fault_date=date(2026, 4, 5))
    decision = decide(case, PHONE)
    assert decision.options == (F,)  # no return/exchange without proof, even on "day 4"
    assert decision.period_start == date(2026, 4, 1)
    assert decision.warranty_end == date(2027, 4, 1)
    assert decide(Case(**{**case.__dict__, "fault_date": date(2027, 4, 2)}), PHONE).options == (P,)


def test_no_proof_without_serial_date_or_for_paid_only_policies_is_paid():
    no_serial = Case(purchase_date=None, has_proof=False, fault_date=date(2026, 4, 5))
    assert decide(no_serial, PHONE).options == (P,)
    assert codes(decide(no_serial, PHONE)) == ["no_proof"]
    with_serial = Case(
        purchase_date=None, has_proof=False, production_date=date(2026, 1, 1), fault_date=date(2026, 4, 5)
    )
    assert decide(with_serial, FRIDGE).options == (P,)


def test_other_evidence_policy_accepts_a_purchase_date_without_the_invoice():
    lenient = PolicyTerms(code="lenient", no_proof_rule=NoProofRule.OTHER_EVIDENCE)
    assert decide(on(3, has_proof=False), lenient).options == (R, E, F)


def test_an_exchange_restarts_the_period_when_the_policy_says_so():
    case = Case(purchase_date=date(2025, 1, 1), replacement_date=date(2026, 1, 10), fault_date=date(2026, 12, 1))
    assert decide(case, PHONE).options == (F,)
    assert decide(case, PHONE).warranty_end == date(2027, 1, 10)
    no_restart = PolicyTerms(code="x", exchange_restarts_period=False)
    assert decide(case, no_restart).options == (P,)


def test_holiday_roll_over_moves_the_end_to_the_next_working_day():
    holidays = {date(2027, 3, 10), date(2027, 3, 11)}
    rolling = PolicyTerms(code="x", holiday_roll_over=True)
    case = Case(purchase_date=BOUGHT, fault_date=date(2027, 3, 12))
    assert decide(case, rolling, holidays=holidays).options == (F,)
    assert decide(case, rolling, holidays=holidays).warranty_end == date(2027, 3, 12)
    assert decide(case, PolicyTerms(code="y"), holidays=holidays).options == (P,)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        (Case(purchase_date=BOUGHT, fault_date=BOUGHT - timedelta(days=1)), "fault_date"),
        (Case(purchase_date=None, fault_date=BOUGHT), "purchase_date"),
        (on(5, prior_repairs=-1), "prior_repairs"),
        (on(5, parts_wait_days=-1), "parts_wait_days"),
        (on(5, price=Decimal("-1")), "price"),
        (on(5, last_repair_date=BOUGHT + timedelta(days=6)), "last_repair_date"),
    ],
)
def test_invalid_cases_name_the_field(case, field):
    with pytest.raises(InvalidCase) as exc:
        decide(case, PHONE)
    assert exc.value.field == field


def test_the_customer_gets_the_better_of_national_and_brand_policy():
    national = PolicyTerms(code="phone", exchange_days=15)
    brand = PolicyTerms(code="phone-brand-30d", exchange_days=30, warranty_months=24)
    decision = decide_best(on(20), [national, brand])
    assert decision.options == (E, F)
    assert decision.exchange_until == BOUGHT + timedelta(days=30)
    assert decision.warranty_end == add_months(BOUGHT, 24)


def test_every_reason_has_a_sentence():
    cases = [on(1), on(10), on(100, prior_repairs=2, parts_wait_days=99, repairer_days=40), on(800)]
    for case in cases:
        for reason in decide(case, PHONE).reasons:
            assert reason.text and "%(" not in reason.text


# --- Properties -----------------------------------------------------------------------------

policies = st.builds(
    PolicyTerms,
    code=st.just("p"),
    return_days=st.integers(0, 30),
    exchange_days=st.integers(0, 60),
    warranty_months=st.integers(0, 48),
    repairs_before_exchange=st.integers(1, 4),
    parts_wait_limit_days=st.integers(0, 120),
    repairer_delay_limit_days=st.integers(0, 60),
    repair_guarantee_days=st.integers(0, 60),
    no_proof_rule=st.sampled_from(list(NoProofRule)),
)
cases = st.builds(
    Case,
    purchase_date=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
    fault_date=st.just(date(2020, 1, 1)),  # replaced below, after the purchase date
    fault_type=st.sampled_from([FaultType.PERFORMANCE, FaultType.HUMAN_DAMAGE]),
    component=st.sampled_from(["whole", "battery"]),
    has_proof=st.booleans(),
    production_date=st.none() | st.dates(date(2019, 1, 1), date(2027, 12, 31)),
    prior_repairs=st.integers(0, 4),
    parts_wait_days=st.integers(0, 150),
    repairer_days=st.integers(0, 80),
)


@settings(max_examples=300, deadline=None)
@given(case=cases, policy=policies, offset=st.integers(0, 1500), later=st.integers(1, 400))
def test_a_later_fault_date_never_gives_more(case, policy, offset, later):
    early = Case(**{**case.__dict__, "fault_date": case.purchase_date + timedelta(days=offset)})
    late = Case(**{**early.__dict__, "fault_date": early.fault_date + timedelta(days=later)})
    assert decide(late, policy).free_options <= decide(early, policy).free_options


@settings(max_examples=300, deadline=None)
@given(case=cases, policy=policies, offset=st.integers(0, 1500), extra=st.integers(0, 30), months=st.integers(0, 24))
def test_a_more_generous_policy_never_gives_less(case, policy, offset, extra, months):
    case = Case(**{**case.__dict__, "fault_date": case.purchase_date + timedelta(days=offset)})
    generous = PolicyTerms(
        **{
            **policy.__dict__,
            "return_days": policy.return_days + extra,
            "exchange_days": policy.exchange_days + extra,
            "warranty_months": policy.warranty_months + months,
            "repair_guarantee_days": policy.repair_guarantee_days + extra,
        }
    )
    assert decide(case, policy).free_options <= decide(case, generous).free_options


@settings(max_examples=200, deadline=None)
@given(case=cases, a=policies, b=policies, offset=st.integers(0, 1500))
def test_the_best_of_two_policies_is_at_least_each_of_them(case, a, b, offset):
    case = Case(**{**case.__dict__, "fault_date": case.purchase_date + timedelta(days=offset)})
    best = decide_best(case, [a, b])
    assert decide(case, a).free_options | decide(case, b).free_options <= frozenset(best.options)
