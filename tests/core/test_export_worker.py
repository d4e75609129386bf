"""A large export really goes through the Celery worker: the request queues it, the worker process (the
Procfile's command, on the test database and broker) writes the file, the page offers the download."""

import io
import os
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from core.models import ExportJob
from core.roles import Role
from tests.core.test_scheduler import worker_with_beat
from tests.workorders.factories import walk_in_order


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_a_large_export(migration_data, network, client_for, tmp_path):
    clerk = network.staff[Role.FRONT_DESK]
    numbers = {walk_in_order(clerk, network.a1).number for _ in range(3)}
    exports = tmp_path / "exports"
    broker = os.environ.get("BROKER_DIR", str(settings.VAR_DIR / "broker"))  # the embedded broker, if no Redis
    worker = worker_with_beat(tmp_path, LOG_LEVEL="WARNING", EXPORT_DIR=str(exports), BROKER_DIR=broker)
    try:
        with override_settings(EXPORT_STREAM_LIMIT=2, EXPORT_DIR=exports):
            client = client_for(clerk)
            response = client.get(reverse("export", args=["work-orders", "xlsx"]))
            job = ExportJob.objects.get()
            assert response.url == reverse("export-job", args=[job.pk])
            deadline = time.monotonic() + 60
            while job.status not in (ExportJob.Status.DONE, ExportJob.Status.FAILED) and time.monotonic() < deadline:
                time.sleep(0.5)
                job.refresh_from_db()
            if job.status != ExportJob.Status.DONE:
                worker.terminate()
                pytest.fail(f"export {job.status}: {job.error}\n{worker.communicate(timeout=10)[0][-3000:]}")
            assert job.rows_done == 3 and "export-download" in client.get(response.url).text
            download = client.get(reverse("export-download", args=[job.pk]))
            sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
            assert {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)} == numbers
    finally:
        worker.terminate()
        worker.wait(timeout=20)
