"""The outlet-day figures: made by beat (recent days every few minutes, the history nightly), each
day made again from scratch, the same whatever the chunking."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from core.roles import Role
from kpis import tasks
from kpis.models import FiguresRefresh, OutletDay
from kpis.services import figures_refresh
from tests.kpis.test_measures import DAY, received, t
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
