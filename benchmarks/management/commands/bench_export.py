"""Time a whole-network export of the work orders (every order of the benchmark data, as a headquarters
member sees them) the way the worker writes it (core.services.export_job_run), as CSV and as Excel:
rows per second, and the process's memory sampled while it runs (it must stay flat, not grow with the
rows). Results: var/bench/export.json; BENCHMARKS.md keeps the figures of record.
"""

import json
import secrets
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.utils import timezone

from core.models import ExportJob, ServiceCentre, User
from core.roles import Role
from core.services import export_job_run, user_create


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class _Sampler(threading.Thread):
    """The resident memory every half second while the export runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []
        self.stopped = threading.Event()
        self.started_at = time.perf_counter()

    def run(self):
        while not self.stopped.wait(0.5):
            self.samples.append((round(time.perf_counter() - self.started_at, 1), round(_rss_mb(), 1)))


class Command(BaseCommand):
    help = "Export every work order as CSV and Excel the way the worker does; rows/s and memory over time."

    def add_arguments(self, parser):
        parser.add_argument("--formats", default="csv,xlsx")

    def handle(self, *args, **opts):
        if not ServiceCentre.objects.filter(code="bench-01").exists():
            raise CommandError("Load the benchmark data first (make bench-data).")
        # A headquarters supervisor sees every order, phones unmasked (admins get them masked).
        reader = User.objects.filter(username="bench-hq").first() or user_create(
            username="bench-hq",
            name="总部主管",
            password=secrets.token_urlsafe(),
            role=Role.SUPERVISOR,
            is_headquarters=True,
            actor=None,
        )
        results = []
        with tempfile.TemporaryDirectory() as folder, override_settings(EXPORT_DIR=folder):
            for fmt in opts["formats"].split(","):
                job = ExportJob.objects.create(
                    owner=reader,
                    export="work-orders",
                    format=fmt,
                    language="zh-hans",
                    expires_at=timezone.now() + settings.EXPORT_KEPT,
                )
                sampler = _Sampler()
                before = _rss_mb()
                sampler.start()
                started = time.perf_counter()
                job = export_job_run(job_id=job.pk)
                seconds = time.perf_counter() - started
                sampler.stopped.set()
                sampler.join()
                if job.status != ExportJob.Status.DONE:
                    raise CommandError(f"{fmt}: {job.status} {job.error}")
                size = (Path(folder) / job.path).stat().st_size
                peak = max((mb for _t, mb in sampler.samples), default=before)
                tenths = sampler.samples[:: max(1, len(sampler.samples) // 10)]
                result = {
                    "format": fmt,
                    "rows": job.rows_done,
                    "seconds": round(seconds, 1),
                    "rows_per_s": round(job.rows_done / seconds),
                    "file_mb": round(size / 2**20, 1),
                    "rss_before_mb": round(before, 1),
                    "rss_peak_mb": peak,
                    "rss_over_time": tenths,
                }
                results.append(result)
                self.stdout.write(
                    f"{fmt}: {result['rows']} rows in {result['seconds']} s = {result['rows_per_s']} rows/s, "
                    f"{result['file_mb']} MB; RSS {result['rss_before_mb']} MB before, peak {peak} MB; "
                    f"over time {tenths}"
                )
                job.delete()
        out = Path(settings.BASE_DIR) / "var" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        (out / "export.json").write_text(json.dumps(results, indent=2))
