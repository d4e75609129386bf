import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dispatch import rules

DAY = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def test_departure_is_travel_time_plus_ten_minutes_before_the_window():
    assert rules.planned_departure(starts_at=DAY.replace(hour=10), travel_minutes=35) == DAY.replace(hour=9, minute=15)


def test_lateness_counts_started_minutes_after_the_agreed_time():
    agreed = DAY.replace(hour=10)
    assert rules.minutes_late(arrived_at=agreed, agreed_at=agreed) == 0
    assert rules.minutes_late(arrived_at=agreed - dt.timedelta(minutes=8), agreed_at=agreed) == 0
    assert rules.minutes_late(arrived_at=agreed + dt.timedelta(seconds=1), agreed_at=agreed) == 1
    assert rules.minutes_late(arrived_at=agreed + dt.timedelta(minutes=16), agreed_at=agreed) == 16


def test_a_late_arrival_is_announced_by_a_call_two_minutes_before_the_agreed_time():
    agreed = DAY.replace(hour=10)
    on_the_way = rules.expected_arrival(
        now=DAY.replace(hour=9, minute=50),
        departed_at=DAY.replace(hour=9, minute=45),
        planned_departure_at=None,
        travel_minutes=25,
    )
    assert on_the_way == DAY.replace(hour=10, minute=10)
    assert rules.late_call(agreed_at=agreed, arrives_at=on_the_way) == DAY.replace(hour=9, minute=58)
    not_left = rules.expected_arrival(  # the planned 9:20 departure has passed: from now
        now=DAY.replace(hour=9, minute=30),
        departed_at=None,
        planned_departure_at=DAY.replace(hour=9, minute=20),
        travel_minutes=30,
    )
    assert not_left == agreed
    assert rules.late_call(agreed_at=agreed, arrives_at=not_left) is None  # just in time: no call
    assert rules.expected_arrival(now=agreed, departed_at=None, planned_departure_at=None, travel_minutes=None) is None
    assert rules.late_call(agreed_at=agreed, arrives_at=None) is None


busy_windows = st.lists(
    st.tuples(st.integers(0, 20), st.integers(1, 6)).map(
        lambda t: (DAY.replace(hour=8) + dt.timedelta(minutes=30 * t[0]), dt.timedelta(minutes=30 * t[1]))
    ),
    max_size=6,
).map(lambda ws: [(s, s + length) for s, length in ws])


@given(busy=busy_windows, wanted_slot=st.integers(0, 20), hours=st.integers(1, 3))
def test_the_free_start_found_never_overlaps_and_fits_the_day(busy, wanted_slot, hours):
    day_start, day_end = DAY.replace(hour=8), DAY.replace(hour=18)
    length = dt.timedelta(hours=hours)
    wanted = day_start + dt.timedelta(minutes=30 * wanted_slot)
    found = rules.nearest_free_start(busy=busy, day_start=day_start, day_end=day_end, wanted=wanted, length=length)
    if found is None:
        return
    assert day_start <= found and found + length <= day_end
    assert not any(rules.overlaps(found, found + length, s, e) for s, e in busy)
    # Nothing free is closer to the time wanted.
    probe = day_start
    while probe + length <= day_end:
        if not any(rules.overlaps(probe, probe + length, s, e) for s, e in busy):
            assert abs(found - wanted) <= abs(probe - wanted)
        probe += rules.SLOT_STEP


def _candidate(engineer_id, **kw):
    values = {
        "engineer_id": engineer_id,
        "name": f"E{engineer_id}",
        "has_skill": True,
        "does_service_type": True,
        "near_base": False,
        "free_start": DAY.replace(hour=10),
        "jobs_that_day": 2,
        "capacity": 8,
    } | kw
    return rules.Candidate(**values)


def test_ranking_puts_skill_first_then_time_then_base_then_load_and_says_why():
    wanted = DAY.replace(hour=10)
    with translation.override("en"):
        ranked = rules.rank(
            [
                _candidate(1, has_skill=False),
                _candidate(2, free_start=DAY.replace(hour=14)),
                _candidate(3),
                _candidate(4, near_base=True),
                _candidate(5, jobs_that_day=7),
                _candidate(6, free_start=None),  # day full
                _candidate(7, jobs_that_day=8),  # at capacity
            ],
            wanted=wanted,
        )
    assert [s.candidate.engineer_id for s in ranked] == [4, 3, 5, 2, 1]
    assert any("free at the time asked for" in r for r in ranked[0].reasons)
    assert any("based near the address" in r for r in ranked[0].reasons)
    assert any("240 minutes" in r for r in ranked[3].reasons)


@pytest.mark.parametrize(
    ("report", "unanswered"),
    [
        ({}, ["shoe_covers", "test_run", "full_inspection"]),
        ({"checklist": {"shoe_covers": True, "full_inspection": True, "test_run": True}}, ["test_run"]),  # no result
        (
            {"checklist": {"shoe_covers": True, "test_run": True}, "test_run_result": "试机正常"},
            ["full_inspection"],
        ),
        ({"not_done": {"shoe_covers": "  "}, "no_test_run": True}, ["shoe_covers", "full_inspection"]),
        (
            {
                "not_done": {"shoe_covers": "地面铺了地毯，客户要求不用", "full_inspection": "客户赶时间"},
                "no_test_run": True,
            },
            [],
        ),
    ],
)
def test_every_checklist_item_is_answered_and_the_test_run_is_never_skipped_silently(report, unanswered):
    answers = {"checklist": {}, "not_done": {}, "no_test_run": False, "test_run_result": ""} | report
    assert rules.checklist_unanswered(**answers, items=["shoe_covers", "test_run", "full_inspection"]) == unanswered


# The sign-off's checks, without a database (issue 21, item 5).
SIGNED = rules.SIGNATURE_PREFIX + "iVBORw0KGgo"
SIGN_OFF = {
    "signature": SIGNED,
    "signature_refused_reason": "",
    "rating_quality": 5,
    "rating_attitude": 4,
    "amount_due": Decimal("0"),
    "bill_later": False,
    "payment_method": "",
    "payment_methods": ["cash", "wechat"],
}


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, set()),
        ({"signature": ""}, {"signature"}),
        ({"signature": "", "signature_refused_reason": "客户拒签"}, set()),
        ({"signature": "data:image/jpeg;base64,xx"}, {"signature"}),
        ({"signature": SIGNED + "A" * rules.SIGNATURE_MAX}, {"signature"}),
        ({"rating_quality": 0, "rating_attitude": 6}, {"rating_quality", "rating_attitude"}),
        ({"rating_quality": None, "rating_attitude": None}, set()),
        ({"amount_due": Decimal("80.00")}, {"payment_method"}),
        ({"amount_due": Decimal("80.00"), "payment_method": "wechat"}, set()),
        ({"amount_due": Decimal("80.00"), "bill_later": True}, set()),
        ({"amount_due": Decimal("80.00"), "payment_method": "cheque"}, {"payment_method"}),
    ],
)
def test_what_stops_a_sign_off(changes, problems):
    assert set(rules.sign_off_problems(**(SIGN_OFF | changes))) == problems


REPORT = {
    "checklist": {"service_id_shown": True},
    "not_done": {"shoe_covers": "客户家里不需要"},
    "no_test_run": False,
    "checklist_items": ["service_id_shown", "shoe_covers", "test_run"],
    "proof": "invoice",
    "proofs": ["invoice", "barcode"],
    "parts_complete": True,
    "tamper_note": "",
    "tamper_acknowledged": False,
    "human_damage": False,
    "human_damage_acknowledged": False,
    "parts": rules.parts_used([{"code": "screen", "quantity": 2}, {"code": "glue"}]),
}


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, set()),
        ({"checklist": {"free_lunch": True}}, {"checklist"}),
        ({"not_done": {"free_lunch": "x"}}, {"checklist"}),
        ({"not_done": {"service_id_shown": "忘带了"}}, {"checklist"}),  # done and not done at once
        ({"checklist": {"test_run": True}, "no_test_run": True}, {"no_test_run"}),
        ({"no_test_run": True}, set()),
        ({"proof": "a story"}, {"proof"}),
        ({"proof": ""}, set()),
        ({"parts_complete": False}, {"tamper_note"}),
        ({"parts_complete": False, "tamper_note": "后盖螺丝缺失"}, {"tamper_note"}),
        ({"parts_complete": False, "tamper_note": "后盖螺丝缺失", "tamper_acknowledged": True}, set()),
        ({"human_damage": True}, {"human_damage_acknowledged"}),
        ({"human_damage": True, "human_damage_acknowledged": True}, set()),
        ({"parts": [{"code": "", "quantity": 1}]}, {"parts_used"}),
        ({"parts": [{"code": "screen", "quantity": 0}]}, {"parts_used"}),
    ],
)
def test_what_stops_a_visit_report(changes, problems):
    assert REPORT["parts"] == [{"code": "screen", "quantity": 2}, {"code": "glue", "quantity": 1}]
    assert set(rules.visit_report_problems(**(REPORT | changes))) == problems
