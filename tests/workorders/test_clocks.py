"""The legal clocks from an order's status changes (pure)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from workorders.clocks import Clocks, clocks_of
from workorders.lifecycle import Status

D0 = dt.date(2026, 3, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def test_a_repair_without_parts_counts_only_the_repairers_days():
    clocks = clocks_of(D0, [(day(1), Status.IN_SERVICE)], today=day(12))
    assert clocks == Clocks(parts_wait_days=0, repairer_days=12, parts_running=False, repairer_running=True)


def test_the_parts_wait_counts_from_the_day_the_product_was_handed_in_until_the_part_came():
    changes = [(day(2), Status.IN_SERVICE), (day(5), Status.AWAITING_PARTS), (day(50), Status.IN_SERVICE)]
    clocks = clocks_of(D0, changes, today=day(53))
    assert clocks.parts_wait_days == 50  # 自送修之日起, not from the day the parts were asked for
    assert clocks.repairer_days == 5 + 3  # days 0-5 and 50-53: the wait is not the repairer's delay
    assert not clocks.parts_running and clocks.repairer_running


def test_the_customers_time_is_not_the_repairers_delay():
    changes = [
        (day(1), Status.AWAITING_APPROVAL),
        (day(9), Status.RECEIVED),
        (day(10), Status.IN_SERVICE),
        (day(12), Status.REPAIRED),
    ]
    clocks = clocks_of(D0, changes, today=day(40))
    assert clocks.repairer_days == 1 + 1 + 2  # quote waiting and pickup waiting are the customer's
    assert not clocks.repairer_running


def test_the_limit_day_is_the_first_day_past_a_running_limit():
    waiting = clocks_of(D0, [(day(1), Status.IN_SERVICE), (day(3), Status.AWAITING_PARTS)], today=day(85))
    assert waiting.parts_wait_days == 85
    assert waiting.limit_day(today=day(85), parts_limit=90, repairer_limit=30) == day(91)
    past = clocks_of(D0, [(day(3), Status.AWAITING_PARTS)], today=day(95))
    assert past.limit_day(today=day(95), parts_limit=90, repairer_limit=30) == day(95)
    closed = clocks_of(D0, [(day(3), Status.CLOSED)], today=day(95))
    assert closed.limit_day(today=day(95), parts_limit=90, repairer_limit=30) is None


def test_a_clock_never_runs_backwards_when_an_event_is_dated_before_the_intake():
    clocks = clocks_of(day(5), [(day(4), Status.IN_SERVICE)], today=day(6))
    assert clocks.repairer_days == 1


STATUSES = st.sampled_from(list(Status))


@given(st.lists(st.tuples(st.integers(0, 5), STATUSES), max_size=12), st.integers(0, 30))
def test_no_clock_runs_longer_than_the_order_has_been_open(steps, extra):
    changes, offset = [], 0
    for gap, status in steps:
        offset += gap
        changes.append((day(offset), status))
    today = day(offset + extra)
    clocks = clocks_of(D0, changes, today=today)
    elapsed = (today - D0).days
    assert 0 <= clocks.parts_wait_days <= elapsed
    assert 0 <= clocks.repairer_days <= elapsed
    assert not (clocks.parts_running and clocks.repairer_running)
