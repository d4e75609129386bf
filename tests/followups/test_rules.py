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


def test_a_72_hour_callback_after_an_evening_hand_back_is_in_calling_hours():
    handed_back = _at(2026, 11, 23, 20, 45)
    assert rules.due_after(handed_back, offset_minutes=72 * 60, windows=DEFAULT_WINDOWS, tz=SH) == _at(2026, 11, 27, 9)


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
