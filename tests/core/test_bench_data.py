"""The benchmark data generator loads consistent rows (every constraint holds: COPY would fail
otherwise) and refuses a second run or a non-PostgreSQL database."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import ComplaintCase
from dispatch.models import Appointment, VisitReport
from followups.models import Callback
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
    # The sequences follow the loaded ids: the product's own inserts still work.
    assert WorkOrder.objects.order_by("-id").first().pk == WorkOrder.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('workorders_workorder', 'id'))")
        assert cursor.fetchone()[0] == 3001
    with pytest.raises(CommandError):
        call_command("bench_data", orders=10)
