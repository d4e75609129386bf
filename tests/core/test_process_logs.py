"""Every process logs through the redaction filter: read the worker's real output (issue 20, item 3)."""

import importlib.util
import time

import pytest
from gunicorn.config import Config

from core.models import Notification
from tests.core.test_scheduler import ROOT, worker_with_beat


@pytest.mark.django_db(transaction=True)
def test_the_worker_log_shows_no_full_phone_and_no_pickup_code(tmp_path):
    note = Notification.objects.create(
        kind="ready_for_pickup",
        to="+8613812345678",
        message="您的手机已修好，请到徐汇网点取机。取机码 909923。",
        idempotency_key="pickup:1",
    )
    worker = worker_with_beat(tmp_path, LOG_LEVEL="INFO")
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            note.refresh_from_db()
            if note.status == Notification.Status.SENT:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
    assert note.status == Notification.Status.SENT, output[-3000:]

    assert "notify kind=ready_for_pickup to=138****5678" in output
    assert "13812345678" not in output and "909923" not in output


def test_gunicorn_logs_through_the_filter(capsys):
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    gunicorn_conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gunicorn_conf)
    config = Config()
    config.set("errorlog", "-")

    gunicorn_conf.RedactingLogger(config).error("Invalid request from a phone 13812345678, code=909923")

    logged = capsys.readouterr().err
    assert "138****5678" in logged and "13812345678" not in logged and "909923" not in logged
