"""The benchmark data generator loads consistent rows (every constraint holds: COPY would fail
otherwise) and refuses a second run or a non-PostgreSQL database."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import ComplaintCase
from dispatch.models import Appointment, VisitReport
from followups.models import Callback
from settlement.models import ReturnTag, WarrantyClaim
from workorders.models import Customer, WorkOrder

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bench_data loads with COPY"),
]


def test_a_small_benchmark_data_set(migration_data):
    call_command("bench_data", orders=3000, centres=2, outlets_per_centre=3)
    assert WorkOrder.objects.count() == 3000 and Customer.objects.count() == 1200
    assert Appointment.objects.count() > 500 and VisitReport.objects.count() > 400
    assert Callback.objects.filter(plan__code="service-72h").count() > 2000
    assert Callback.objects.filter(plan__trigger="purchase").count() == 4 * 1200
    assert ComplaintCase.objects.filter(status="closed", confirmation_callback__isnull=False).exists()
    closed_in_warranty = WorkOrder.objects.filter(status="closed", in_warranty=True)
    assert WarrantyClaim.objects.count() == closed_in_warranty.count() > 500
    assert WarrantyClaim.objects.filter(status="approved", approved__gt=0).count() > 300
    assert ReturnTag.objects.filter(status="received", shipment__isnull=False).exists()
    # The sequences follow the loaded ids: the product's own inserts still work.
    assert WorkOrder.objects.order_by("-id").first().pk == WorkOrder.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('workorders_workorder', 'id'))")
        assert cursor.fetchone()[0] == 3001
    with pytest.raises(CommandError):
        call_command("bench_data", orders=10)


@pytest.mark.django_db(transaction=True)  # as it runs for real: the sweep case vacuums the callbacks first
def test_the_benchmark_runs_every_case_on_a_small_data_set(migration_data, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    call_command("bench_data", orders=3000, centres=1, outlets_per_centre=2)
    call_command("bench", requests=2, sweep=200)
    written = json.loads((tmp_path / "var" / "bench" / "results.json").read_text())
    results = written["cases"]
    cases = {r["case"].split(" ")[0] for r in results}
    assert cases == {"1", "2", "3", "4", "5", "6", "8", "9", "10", "11", "12"}
    assert all(r["queries"] < 40 for r in results if "queries" in r)
    # Each request case's time outside the database: positive, and no more than its whole time (medians).
    assert all(0 < r["own_ms"] <= r["median_ms"] for r in results if "queries" in r)
    assert "page − SQL" in (tmp_path / "var" / "bench" / "results.md").read_text()
    assert next(r for r in results if r["case"].startswith("6"))["queued"] == 200
    assert {"python_loop_5m_s", "db_round_trip_ms"} <= set(written["machine"])
    # Every request case records the plan of its slowest query, and the KPI figures were made first.
    assert all("actual time=" in r["slowest_query_plan"] for r in results if "queries" in r)
    assert "Planning Time" in (tmp_path / "var" / "bench" / "plans.md").read_text()
    assert any(r["case"].startswith("8 KPI figures of the last") for r in results)
