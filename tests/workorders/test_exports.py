"""The work-order list exported (core/exports.py): exactly the list's filters and the reader's scope,
phones masked for admins as on screen, CSV with a byte-order mark, Excel with a first row saying what it
holds, a frozen header and numbers as numbers; typed text never runs as a formula; a large export is
written by the worker with its progress on a page, for its owner only, and kept for a day."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import ExportJob
from core.roles import Role
from core.services import export_job_run, exports_expire
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel opens the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content)).active


@pytest.fixture
def orders(network):
    clerk = network.staff[Role.FRONT_DESK]
    mine = walk_in_order(clerk, network.a1)
    cancelled = walk_in_order(clerk, network.a1, fault_description='=HYPERLINK("http://evil.example","点我")')
    WorkOrder.objects.filter(pk=cancelled.pk).update(status="cancelled", quote_total=Decimal("1234.5"))
    other_clerk = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    customer, product = customer_with_product(other_clerk, network.b1, phones=("13900001111",))
    theirs = walk_in_order(other_clerk, network.b1)
    return mine, cancelled, theirs


def test_an_export_holds_the_lists_rows_under_its_filters_and_scope(network, orders, client_for):
    mine, cancelled, theirs = orders
    client = client_for(network.staff[Role.FRONT_DESK])
    rows = _csv(client.get(reverse("export", args=["work-orders", "csv"])))
    assert rows[0][:3] == ["工单号", "状态", "网点"]  # headers in the reader's language
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [cancelled.number, mine.number] and theirs.number not in numbers  # newest first, own outlet
    filtered = _csv(client.get(reverse("export", args=["work-orders", "csv"]), {"status": "cancelled"}))
    assert [row[0] for row in filtered[1:]] == [cancelled.number]
    # Typed text that a spreadsheet would run is written as text.
    assert filtered[1][10].startswith("'=HYPERLINK")
    assert filtered[1][12] == "1234.50"


def test_the_excel_file_says_what_it_holds_and_keeps_numbers_and_times_typed(network, orders, client_for):
    mine, cancelled, _theirs = orders
    client = client_for(network.staff[Role.FRONT_DESK])
    sheet = _xlsx(client.get(reverse("export", args=["work-orders", "xlsx"]), {"status": "cancelled"}))
    assert sheet.title == "工单"
    assert "状态: 已取消" in sheet["A1"].value  # the filters, then the time of export and who
    assert [cell.value for cell in sheet[2]][:2] == ["工单号", "状态"] and sheet.freeze_panes == "A3"
    row = list(sheet[3])
    assert row[0].value == cancelled.number and row[10].data_type == "s" and row[10].value.startswith("'=")
    assert row[12].value == 1234.5 and row[12].number_format == "#,##0.00"
    received = row[14].value
    assert isinstance(received, dt.datetime) and row[14].number_format == "yyyy-mm-dd hh:mm"
    local = timezone.localtime(WorkOrder.objects.get(pk=cancelled.pk).created_at)
    assert received == local.replace(tzinfo=None, microsecond=received.microsecond)  # Shanghai time
    assert sheet.column_dimensions["K"].width >= 30  # the fault column is wide


def test_admins_get_masked_phones_as_on_screen(network, orders, client_for):
    admin_rows = _csv(client_for(network.staff[Role.ADMIN]).get(reverse("export", args=["work-orders", "csv"])))
    desk_rows = _csv(client_for(network.staff[Role.FRONT_DESK]).get(reverse("export", args=["work-orders", "csv"])))
    assert {row[6] for row in desk_rows[1:]} == {"138 1234 5678"}
    assert {row[6] for row in admin_rows[1:]} == {"138****5678"} and len(admin_rows) == 4  # every outlet


def test_a_bad_filter_is_refused_and_another_role_is_forbidden(network, orders, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    refused = client.get(reverse("export", args=["work-orders", "csv"]), {"received_from": "2026-13-45"})
    assert refused.status_code == 302  # back to the list, the reason shown there
    assert client.get(reverse("export", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("export", args=["work-orders", "pdf"])).status_code == 404


@override_settings(EXPORT_STREAM_LIMIT=1)
def test_a_large_export_is_written_by_the_worker_for_its_owner(network, orders, client_for, tmp_path, settings):
    settings.EXPORT_DIR = tmp_path
    clerk = network.staff[Role.FRONT_DESK]
    client = client_for(clerk)
    response = client.get(reverse("export", args=["work-orders", "xlsx"]), {"channel": "walk_in"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("export-job", args=[job.pk])
    assert job.owner == clerk and job.status == ExportJob.Status.QUEUED and ["channel", "walk_in"] in job.query
    page = client.get(response.url)
    assert 'hx-trigger="every 2s"' in page.text and "等待中" in page.text

    job = export_job_run(job_id=job.pk)  # what core.tasks.export_run does in the worker
    assert job.status == ExportJob.Status.DONE and job.rows_total == job.rows_done == 2 and job.percent == 100
    progress = client.get(response.url, HTTP_HX_REQUEST="true")
    assert "<html" not in progress.text and "hx-trigger" not in progress.text and "export-download" in progress.text
    download = client.get(reverse("export-download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment") and ".xlsx" in download["Content-Disposition"]
    assert [cell.value for cell in _xlsx(download)[3]][0] in {o.number for o in orders}

    mine = client.get(reverse("export-jobs")).text
    assert reverse("export-download", args=[job.pk]) in mine
    # Nobody else reads it; after a day it is gone, file and all.
    other = client_for(network.staff[Role.HOTLINE])
    assert other.get(reverse("export-job", args=[job.pk])).status_code == 404
    assert other.get(reverse("export-download", args=[job.pk])).status_code == 404
    assert reverse("export-job", args=[job.pk]) not in other.get(reverse("export-jobs")).text
    assert exports_expire(now=timezone.now()) == 0
    assert exports_expire(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert not list(tmp_path.iterdir()) and client.get(reverse("export-job", args=[job.pk])).status_code == 404


@override_settings(EXPORT_STREAM_LIMIT=1)
def test_a_large_csv_export_counts_its_rows(network, orders, client_for, tmp_path, settings):
    settings.EXPORT_DIR = tmp_path
    client_for(network.staff[Role.FRONT_DESK]).get(reverse("export", args=["work-orders", "csv"]))
    job = export_job_run(job_id=ExportJob.objects.get().pk)
    assert job.rows_done == 2 and job.filename.endswith(".csv")
    lines = (tmp_path / job.path).read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[0].startswith("工单号")


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_exports_the_same_rows_under_the_same_filters(network, orders):
    mine, cancelled, theirs = orders
    api = _api(network.staff[Role.FRONT_DESK])
    response = api.get(reverse("api-export", args=["work-orders", "csv"]), {"status": "cancelled"})
    assert response.status_code == 200 and [row[0] for row in _csv(response)[1:]] == [cancelled.number]
    sheet = _xlsx(api.get(reverse("api-export", args=["work-orders", "xlsx"])))
    assert {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)} == {mine.number, cancelled.number}
    bad = api.get(reverse("api-export", args=["work-orders", "csv"]), {"received_from": "nope"})
    assert bad.status_code == 400 and "received_from" in bad.json()["error"]["fields"]
    assert api.get(reverse("api-export", args=["nothing", "csv"])).status_code == 404


@override_settings(EXPORT_STREAM_LIMIT=1)
def test_a_large_api_export_answers_with_its_job(network, orders, tmp_path, settings):
    settings.EXPORT_DIR = tmp_path
    api = _api(network.staff[Role.FRONT_DESK])
    accepted = api.get(reverse("api-export", args=["work-orders", "csv"]))
    assert accepted.status_code == 202 and accepted.json()["status"] == "queued" and accepted.json()["download"] is None
    job_id = accepted.json()["id"]
    export_job_run(job_id=job_id)
    followed = api.get(reverse("api-export-job", args=[job_id])).json()
    assert followed["status"] == "done" and followed["percent"] == 100 and followed["rows_done"] == 2
    assert followed["download"].endswith(reverse("api-export-download", args=[job_id]))
    assert len(_csv(api.get(reverse("api-export-download", args=[job_id])))) == 3
    stranger = _api(network.staff[Role.HOTLINE])
    assert stranger.get(reverse("api-export-job", args=[job_id])).status_code == 404
    assert stranger.get(reverse("api-export-download", args=[job_id])).status_code == 404


@pytest.mark.parametrize("jobs", [1, 4])
def test_my_exports_runs_a_constant_number_of_queries(jobs, network, client_for, django_assert_num_queries):
    clerk = network.staff[Role.FRONT_DESK]
    for _ in range(jobs):
        ExportJob.objects.create(
            owner=clerk,
            export="work-orders",
            format="csv",
            language="zh-hans",
            expires_at=timezone.now() + dt.timedelta(hours=20),
        )
    client = client_for(clerk)
    client.get(reverse("export-jobs"))
    with django_assert_num_queries(2):  # user, the jobs (session, role: from the cache)
        page = client.get(reverse("export-jobs"))
    assert page.text.count(reverse("export-job", args=[ExportJob.objects.first().pk])) == 1
