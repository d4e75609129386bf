"""The claim's pure rules: prices by the list and the named checks, without a database."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from core.words import read
from settlement.rules import ClaimFacts, Prices, band_for, check, claim_lines

PRICES = Prices(
    labour={("phone", "repair", "bench"): Decimal("40"), ("air_conditioner", "repair", "onsite"): Decimal("60")},
    bands=((15, Decimal("0")), (30, Decimal("20")), (None, Decimal("45"))),
    parts={"screen": Decimal("300")},
    exchange_handling=Decimal("30"),
    return_handling=Decimal("20"),
)
GOOD = ClaimFacts(
    category="phone",
    service_type="repair",
    onsite=False,
    closed=True,
    service_day=dt.date(2026, 11, 2),
    in_warranty=True,
    warranty_end=dt.date(2027, 5, 1),
    signed=True,
    signature_refused=False,
    callback_outcome="satisfied",
    callback_finding=False,
    days_since_last_claim=None,
    parts_claimed={"screen": 1},
    parts_used={"screen": 1},
)


def rules_found(facts):
    return [f.rule for f in check(facts, repeat_days=30)]


def test_a_bench_repair_is_labour_and_parts_at_the_list_price():
    lines, missing = claim_lines(PRICES, GOOD)
    assert missing == []
    assert [(line.kind, line.amount) for line in lines] == [("labour", Decimal("40.00")), ("part", Decimal("300.00"))]


@pytest.mark.parametrize(
    ("km", "travel", "text"),
    [
        (0, "0.00", "Travel, 0 km (up to 15 km)"),
        (15, "0.00", "Travel, 15 km (up to 15 km)"),
        (16, "20.00", "Travel, 16 km (up to 30 km)"),
        (31, "45.00", "Travel, 31 km"),
        (None, "0.00", "Travel (distance not recorded)"),
    ],
)
def test_on_site_travel_is_paid_by_distance_band(km, travel, text):
    facts = replace(GOOD, category="air_conditioner", onsite=True, distance_km=km, parts_claimed={}, parts_used={})
    lines, missing = claim_lines(PRICES, facts)
    assert missing == []
    assert [(line.kind, str(line.amount)) for line in lines] == [("labour", "60.00"), ("travel", travel)]
    with translation.override("en"):
        assert read(lines[1].words) == text


def test_a_band_list_without_an_open_end_pays_nothing_beyond_it():
    assert band_for(((15, Decimal("0")),), 40) is None
    assert band_for((), 3) is None


@pytest.mark.parametrize(("swap", "fee"), [("exchange", "30.00"), ("return", "20.00")])
def test_exchange_and_return_handling_are_paid(swap, fee):
    lines, _ = claim_lines(PRICES, replace(GOOD, swap=swap, parts_claimed={}))
    assert (lines[-1].kind, lines[-1].code, str(lines[-1].amount)) == ("handling", swap, fee)
    alone, missing = claim_lines(PRICES, replace(GOOD, swap=swap, parts_claimed={}, repaired=False, service_type="x"))
    assert [line.kind for line in alone] == ["handling"] and missing == []  # no repair: no labour


def test_a_price_the_list_lacks_is_a_blocking_finding_and_the_line_pays_nothing():
    lines, missing = claim_lines(PRICES, replace(GOOD, service_type="installation", parts_claimed={"board": 2}))
    assert [f.rule for f in missing] == ["price_missing", "price_missing"] and all(f.blocking for f in missing)
    assert [str(line.amount) for line in lines] == ["0.00", "0.00"]
    with translation.override("zh-hans"):
        assert "board" in read(missing[1].words)


def test_good_facts_find_nothing():
    assert rules_found(GOOD) == []


@pytest.mark.parametrize(
    ("change", "rule", "blocking"),
    [
        ({"closed": False}, "order_open", True),
        ({"in_warranty": False}, "outside_warranty", False),
        ({"service_day": dt.date(2027, 5, 2)}, "outside_warranty", False),
        ({"signed": False}, "signature", False),
        ({"signed": False, "signature_refused": True}, "signature", False),
        ({"callback_outcome": None}, "callback", True),
        ({"callback_outcome": "dissatisfied"}, "callback", False),
        ({"callback_finding": True}, "callback_finding", False),
        ({"days_since_last_claim": 30}, "repeat_repair", False),
        ({"parts_used": {}}, "parts_not_used", False),
        ({"parts_claimed": {"screen": 2}}, "parts_not_used", False),
    ],
)
def test_each_check_names_its_rule_what_it_found_and_what_clears_it(change, rule, blocking):
    found = check(replace(GOOD, **change), repeat_days=30)
    assert [(f.rule, f.blocking) for f in found] == [(rule, blocking)]
    with translation.override("en"):
        assert read(found[0].words) and read(found[0].clears)
    with translation.override("zh-hans"):
        assert read(found[0].words) != found[0].words["id"]  # translated


def test_the_repeat_window_is_the_price_lists():
    facts = replace(GOOD, days_since_last_claim=31)
    assert rules_found(facts) == []
    assert [f.rule for f in check(facts, repeat_days=45)] == ["repeat_repair"]


def test_parts_not_used_names_what_is_missing():
    found = check(replace(GOOD, parts_claimed={"screen": 2, "battery": 1}, parts_used={"screen": 1}), repeat_days=30)
    with translation.override("en"):
        assert read(found[0].words) == "Parts claimed but not recorded as used: battery ×1, screen ×1."
