"""Make the KPI dashboard's outlet-day figures now (beat makes them every few minutes and nightly)."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from kpis.models import FiguresRefresh
from kpis.services import figures_refresh


class Command(BaseCommand):
    help = "Make the outlet-day figures of the last --days days (default: the nightly history)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="how many days back from today")

    def handle(self, *args, days=None, **opts):
        days = days or settings.KPI_HISTORY_DAYS
        today = timezone.localdate()
        started = time.monotonic()
        rows = figures_refresh(
            first_day=today - timedelta(days=days - 1), last_day=today, kind=FiguresRefresh.Kind.HISTORY
        )
        self.stdout.write(f"{rows} outlet-day rows for {days} days in {time.monotonic() - started:.1f} s")
