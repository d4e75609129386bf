import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from followups import rules
from followups.models import DEFAULT_WINDOWS

SH = ZoneInfo("Asia/Shanghai")


def _at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


def _next(moment):
    return rules.next_calling_time(moment, windows=DEFAULT_WINDOWS, tz=SH)


def test_times_inside_a_window_stay_and_others_move_to_the_next_window():
    assert _next(_at(2026, 11, 23, 10, 15)) == _at(2026, 11, 23, 10, 15)
    assert _next(_at(2026, 11, 23, 12, 10)) == _at(2026, 11, 23, 14)  # lunch: right after it, same day
    assert _next(_at(2026, 11, 23, 18, 0)) == _at(2026, 11, 23, 19)  # dinner
    assert _next(_at(2026, 11, 23, 22, 0)) == _at(2026, 11, 24, 9)  # night: next morning
    assert _next(_at(2026, 11, 23, 6, 30)) == _at(2026, 11, 23, 9)
    assert _next(_at(2026, 12, 31, 21, 0)) == _at(2027, 1, 1, 9)  # year end
    assert _next(_at(2026, 11, 23, 11, 30)) == _at(2026, 11, 23, 14)  # windows are [from, until)


def test_purchase_callbacks_fall_on_the_day_counted_from_the_purchase_day():
    due = rules.due_after_purchase(dt.date(2026, 1, 29), offset_minutes=3 * 1440, windows=DEFAULT_WINDOWS, tz=SH)
    assert due == _at(2026, 2, 1, 9)  # across a month end
    due = rules.due_after_purchase(dt.date(2028, 2, 27), offset_minutes=3 * 1440, windows=DEFAULT_WINDOWS, tz=SH)
    assert due == _at(2028, 3, 1, 9)  # leap year


def _within(trigger, settle_hours, deadline_hours=72):
    return rules.due_within(
        trigger, settle_minutes=settle_hours * 60, deadline_minutes=deadline_hours * 60, windows=DEFAULT_WINDOWS, tz=SH
    )


def test_a_callback_within_72_hours_of_an_evening_hand_back_falls_due_after_a_days_settling():
    handed_back = _at(2026, 11, 23, 20, 45)
    due, deadline = _within(handed_back, 24)
    assert due == _at(2026, 11, 25, 9)  # 24 h later is 20:45, after the last window: next morning
    assert deadline == _at(2026, 11, 26, 20, 45)  # 72 hours, not the first window after them


def test_a_settling_time_that_would_miss_the_deadline_gives_way_to_the_last_window_before_it():
    handed_back = _at(2026, 11, 23, 20, 45)
    due, deadline = _within(handed_back, 71)  # 71 h lands at 19:45 on the 26th, inside the last window
    assert due == _at(2026, 11, 26, 19, 45)
    handed_back = _at(2026, 11, 23, 21, 30)  # 71 h later is 20:30, when the last window closes
    due, deadline = _within(handed_back, 71)
    assert due == _at(2026, 11, 26, 19, 0) and deadline == _at(2026, 11, 26, 21, 30)
    due, _ = rules.due_within(  # settled at 11:45, in the lunch break; the deadline is at noon
        _at(2026, 11, 23, 13, 0), settle_minutes=70 * 60 + 45, deadline_minutes=71 * 60, windows=DEFAULT_WINDOWS, tz=SH
    )
    assert due == _at(2026, 11, 26, 9, 0)  # the morning window is the last to open before the deadline


def test_a_plan_without_a_deadline_keeps_its_offset():
    due, deadline = rules.due_within(
        _at(2026, 11, 23, 20, 45), settle_minutes=120, deadline_minutes=None, windows=DEFAULT_WINDOWS, tz=SH
    )
    assert (due, deadline) == (_at(2026, 11, 24, 9), None)


@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2030, 1, 1)), st.integers(0, 71))  # noqa: DTZ001
def test_a_callback_with_a_deadline_always_falls_due_in_calling_hours_before_it(naive, settle_hours):
    trigger = naive.replace(tzinfo=SH)
    due, deadline = _within(trigger, settle_hours)
    assert trigger <= due < deadline
    assert rules.in_calling_hours(due, windows=DEFAULT_WINDOWS, tz=SH)


moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; the zone is added below
    max_value=dt.datetime(2030, 1, 1),  # noqa: DTZ001
).map(lambda naive: naive.replace(tzinfo=SH))


@given(moments)
def test_the_calling_time_is_the_first_calling_moment_not_before_the_due_time(due):
    found = _next(due)
    assert found >= due
    assert rules.in_calling_hours(found, windows=DEFAULT_WINDOWS, tz=SH)
    assert found - due < dt.timedelta(hours=13)  # never more than the night away
    # Nothing callable in between: every minute before `found` is outside the windows.
    probe = due
    while probe < found:
        assert not rules.in_calling_hours(probe, windows=DEFAULT_WINDOWS, tz=SH)
        probe += dt.timedelta(minutes=30)
