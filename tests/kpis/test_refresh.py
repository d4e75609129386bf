"""The outlet-day figures: made by beat (recent days every few minutes, the history nightly), each
day made again from scratch, the same whatever the chunking; the months summed again with their days."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db.models import Sum

from core.roles import Role
from kpis import selectors, tasks
from kpis.models import FIGURES, FiguresRefresh, OutletDay, OutletMonth, next_month
from kpis.services import figures_refresh
from tests.factories import UserFactory
from tests.kpis.test_measures import DAY, received, scope, t
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db


def test_beat_makes_the_recent_figures_often_and_the_history_nightly():
    recent = settings.CELERY_BEAT_SCHEDULE["refresh-kpis-recent"]
    assert recent["task"] == "kpis.tasks.refresh_recent_figures"
    assert recent["schedule"] == settings.KPI_REFRESH_SECONDS
    history = settings.CELERY_BEAT_SCHEDULE["refresh-kpis-history"]
    assert history["task"] == "kpis.tasks.refresh_figures_history"
    assert history["schedule"].hour == {2}


def test_the_tasks_make_the_days_they_cover_and_record_when(network):
    fd = network.staff[Role.FRONT_DESK]
    old, recent = walk_in_order(fd, network.a1), walk_in_order(fd, network.a1)
    long_ago = DAY - dt.timedelta(days=settings.KPI_RECENT_DAYS + 5)
    received(old, t(10, day=long_ago))
    received(recent, t(10))
    with time_machine.travel(t(12), tick=False):
        tasks.refresh_recent_figures()
        assert set(OutletDay.objects.values_list("day", flat=True)) == {DAY}
        tasks.refresh_figures_history()
    assert set(OutletDay.objects.values_list("day", flat=True)) == {DAY, long_ago}
    made = {r.kind: (r.first_day, r.last_day) for r in FiguresRefresh.objects.all()}
    assert made == {
        "recent": (DAY - dt.timedelta(days=settings.KPI_RECENT_DAYS - 1), DAY),
        "history": (DAY - dt.timedelta(days=settings.KPI_HISTORY_DAYS - 1), DAY),
    }


def test_making_days_again_replaces_them_and_leaves_other_days_alone(network):
    fd = network.staff[Role.FRONT_DESK]
    for day in (DAY - dt.timedelta(days=9), DAY):
        received(walk_in_order(fd, network.a1), t(10, day=day))
    figures_refresh(first_day=DAY - dt.timedelta(days=20), last_day=DAY)
    before = list(OutletDay.objects.order_by("day").values_list("day", "orders"))
    received(walk_in_order(fd, network.a1), t(11))

    figures_refresh(first_day=DAY, last_day=DAY)
    figures_refresh(first_day=DAY, last_day=DAY)  # twice: nothing doubles

    after = list(OutletDay.objects.order_by("day").values_list("day", "orders"))
    assert before == [(DAY - dt.timedelta(days=9), 1), (DAY, 1)]
    assert after == [(DAY - dt.timedelta(days=9), 1), (DAY, 2)]


def test_whole_months_are_read_from_the_months_and_give_what_their_days_give(network):
    fd = network.staff[Role.FRONT_DESK]
    september, october = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    days = [dt.date(2026, 8, 30), september, dt.date(2026, 9, 17), dt.date(2026, 9, 30), october, DAY]
    desks = {network.a1: fd, network.a2: UserFactory(role=Role.FRONT_DESK, outlets=[network.a2])}
    for outlet, desk in desks.items():
        for n, day in enumerate(days):
            for _ in range(n + 1 if outlet == network.a1 else 1):
                received(walk_in_order(desk, outlet), t(10, day=day))
    # 30 August - 15 October: September read as one month row an outlet, the other days as days
    period = scope([network.a1, network.a2], first=dt.date(2026, 8, 30), last=DAY)
    months = OutletMonth.objects.filter(outlet__in=[network.a1, network.a2])
    assert set(months.values_list("month", flat=True)) == {dt.date(2026, 8, 1), september, october}
    assert dict(months.filter(month=september).values_list("outlet_id", "orders")) == {
        network.a1.pk: 2 + 3 + 4,
        network.a2.pk: 3,
    }
    from_days = {
        row.pop("outlet_id"): row
        for row in OutletDay.objects.filter(day__gte=dt.date(2026, 8, 30), day__lte=DAY)
        .values("outlet_id")
        .annotate(**{name: Sum(name) for name in FIGURES})
    }
    assert period.outlet_figures == from_days
    assert period.outlet_figures[network.a1.pk]["orders"] == 1 + 2 + 3 + 4 + 5 + 6
    OutletDay.objects.filter(day__month=9).delete()  # September is read from its month row
    again = selectors.Scope(outlets=period.outlets, since=period.since, until=period.until)
    assert again.outlet_figures == from_days
    # A day made again is counted again in its month; a period inside one month reads days only.
    received(walk_in_order(fd, network.a1), t(11, day=dt.date(2026, 9, 17)))
    assert (
        scope([network.a1], first=september, last=dt.date(2026, 9, 30)).outlet_figures[network.a1.pk]["orders"]
        == 2 + 3 + 4 + 1
    )
    assert (
        scope([network.a1], first=dt.date(2026, 9, 2), last=dt.date(2026, 9, 29)).outlet_figures[network.a1.pk][
            "orders"
        ]
        == 3 + 1
    )


def test_next_month_from_any_day():
    assert next_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 1)
    assert next_month(dt.date(2026, 8, 30)) == dt.date(2026, 9, 1)
    assert next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
