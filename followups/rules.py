"""Pure callback rules on plain values: when a callback is due, moved into calling hours."""

from datetime import date, datetime, time, timedelta, tzinfo


def in_calling_hours(moment: datetime, *, windows: list[tuple[time, time]], tz: tzinfo) -> bool:
    local = moment.astimezone(tz).time()
    return any(start <= local < end for start, end in windows)


def next_calling_time(due: datetime, *, windows: list[tuple[time, time]], tz: tzinfo) -> datetime:
    """`due` itself when it falls in a calling window (local time), else the start of the next one.

    The next window is the nearest later one, so a 30-minute or 2-hour callback that falls in a
    lunch break is made right after it, the same day where there is a window left.
    """
    if not windows:
        return due
    local = due.astimezone(tz)
    for day_offset in range(2):
        day = local.date() + timedelta(days=day_offset)
        for start, end in sorted(windows):
            opens = datetime.combine(day, start, tzinfo=tz)
            closes = datetime.combine(day, end, tzinfo=tz)
            if opens <= local < closes:
                return due
            if opens > local:
                return opens
    raise ValueError("calling windows must lie within a day")


def due_after(trigger_at: datetime, *, offset_minutes: int, windows: list[tuple[time, time]], tz: tzinfo) -> datetime:
    """When a callback planned `offset_minutes` after an event is due, in calling hours."""
    return next_calling_time(trigger_at + timedelta(minutes=offset_minutes), windows=windows, tz=tz)


def last_calling_start(deadline: datetime, *, windows: list[tuple[time, time]], tz: tzinfo) -> datetime:
    """The opening of the last calling window that opens before `deadline` (local time): the latest a
    callback with that deadline may fall due and still leave a clerk a window to make it in."""
    if not windows:
        return deadline
    local = deadline.astimezone(tz)
    for day_offset in range(2):
        day = local.date() - timedelta(days=day_offset)
        for start, _end in sorted(windows, reverse=True):
            opens = datetime.combine(day, start, tzinfo=tz)
            if opens < local:
                return opens
    raise ValueError("calling windows must lie within a day")


def due_within(
    trigger_at: datetime,
    *,
    settle_minutes: int,
    deadline_minutes: int | None,
    windows: list[tuple[time, time]],
    tz: tzinfo,
) -> tuple[datetime, datetime | None]:
    """(due, deadline) of a callback to make `settle_minutes` after an event at the earliest and
    within `deadline_minutes` of it ("72小时内"): the first calling moment after the settling time,
    never later than the last window that opens before the deadline (nor before the event itself)."""
    due = due_after(trigger_at, offset_minutes=settle_minutes, windows=windows, tz=tz)
    if deadline_minutes is None:
        return due, None
    deadline = trigger_at + timedelta(minutes=deadline_minutes)
    if due >= deadline:
        due = max(trigger_at, last_calling_start(deadline, windows=windows, tz=tz))
    return due, deadline


def due_after_purchase(
    purchase: date, *, offset_minutes: int, windows: list[tuple[time, time]], tz: tzinfo
) -> datetime:
    """ "3 days after purchase" counts from the start of the purchase day: the first window that day."""
    return due_after(
        datetime.combine(purchase, time(0), tzinfo=tz), offset_minutes=offset_minutes, windows=windows, tz=tz
    )
