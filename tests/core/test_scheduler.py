"""Scheduled work really runs in the one command that starts the app (worker with embedded beat)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import SchedulerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


def test_beat_schedule_runs_the_heartbeat_every_tick():
    entry = settings.CELERY_BEAT_SCHEDULE["scheduler-heartbeat"]
    assert entry["task"] == "core.tasks.scheduler_heartbeat"
    assert entry["schedule"] == settings.SCHEDULER_TICK_SECONDS


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_with_beat(tmp_path, **env) -> subprocess.Popen:
    """The Procfile's worker with embedded beat, on the test database, ticking every second; its output
    (stdout and stderr) is read from the returned process."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SCHEDULER_TICK_SECONDS": "1",
        "BROKER_DIR": str(tmp_path / "broker"),
        "BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        **env,
    }
    return subprocess.Popen(  # noqa: S603 - the same command the Procfile runs
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_worker_with_embedded_beat_ticks_against_the_database(tmp_path):
    worker = worker_with_beat(tmp_path, LOG_LEVEL="WARNING")
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            beat = SchedulerHeartbeat.objects.filter(name="beat").first()
            if beat is not None and beat.beats >= 2:
                break
            time.sleep(0.5)
        else:
            worker.terminate()
            pytest.fail(f"no heartbeat from the worker:\n{worker.communicate(timeout=10)[0][-3000:]}")
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert beat.beats >= 2
