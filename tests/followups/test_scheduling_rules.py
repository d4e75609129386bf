"""DESIGN "Scheduling": the database is the truth; nothing is put on the broker for later."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "workorders", "warranty", "dispatch", "followups", "complaints", "kpis", "config"]


def test_no_task_is_enqueued_with_an_eta_or_countdown():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\b(eta|countdown)\s*=", text) and "apply_async" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_beat_sweeps_the_callbacks_every_tick():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-callbacks"]
    assert entry["task"] == "followups.tasks.sweep_callbacks"
    assert entry["schedule"] == settings.SCHEDULER_TICK_SECONDS
    assert settings.CELERY_TASK_ACKS_LATE
