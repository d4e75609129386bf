"""The centre's daily reconciliation with each outlet: visits, sign-offs, callbacks made, findings and
the differences still open (DOMAIN "Callbacks")."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from followups.models import Callback
from followups.services import callback_claim, callback_record, callback_sweep
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.dispatch.test_reconciliation import _visit
from tests.followups.test_services import _handed_back

pytestmark = pytest.mark.django_db


def test_per_outlet_visits_records_callbacks_findings_and_open_differences(network, client_for):
    hl, dp = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER]
    eng = engineer(network.a1, capacity=10)
    day = next_workday()
    signed = booked(onsite_order(hl, network.a1), eng, dp, day=day, hour=9, hours=1)
    _visit(signed, eng, sign_at=at(day, 10, 30), signature="data:image/png;base64,iVBORw0KGgo=")
    booked(onsite_order(hl, network.a1), eng, dp, day=day, hour=11, hours=1)  # no record by the evening
    order = _handed_back(network, at(day, 8) - dt.timedelta(days=3))
    with time_machine.travel(at(day, 15), tick=False):
        callback_sweep()
        callback = Callback.objects.get(work_order=order, plan__code="service-72h")
        callback_claim(callback=callback, actor=hl)
        callback_record(callback=callback, outcome="contradicts", notes="师傅没有试机就走了", actor=hl)
    with time_machine.travel(at(day, 20), tick=False):
        client = client_for(hl)
        page = client.get(reverse("outlet-reconciliation"), {"day": day.isoformat()})
        with CaptureQueriesContext(connection) as ctx:
            api = client.get(reverse("api-outlet-reconciliation"), {"day": day.isoformat()}).json()
    a1 = next(row for row in page.context["rows"] if row.outlet == network.a1)
    assert (a1.visits, a1.signed, a1.missing, a1.callbacks_made) == (2, 1, 1, 1)
    assert [c.pk for c in a1.findings] == [callback.pk] and a1.remedial_open == 1  # the remedial call is planned
    assert a1.open_differences == 2 and 'data-testid="open-differences"' in page.text
    assert "师傅没有试机就走了" in page.text
    row = next(r for r in api["outlets"] if r["outlet_id"] == network.a1.pk)
    assert (row["visits"], row["findings"], row["open_differences"]) == (2, [callback.pk], 2)
    assert {r["outlet_id"] for r in api["outlets"]} <= {network.a1.pk, network.a2.pk}  # the clerk's outlets only
    queries = len(ctx.captured_queries)
    for hour in (13, 14, 16):  # more visits: the same number of queries
        booked(onsite_order(hl, network.a1), engineer(network.a1), dp, day=day, hour=hour, hours=1)
    with time_machine.travel(at(day, 20), tick=False):
        client.get(reverse("api-outlet-reconciliation"), {"day": day.isoformat()})  # new staff: caches refilled
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("api-outlet-reconciliation"), {"day": day.isoformat()})
    assert len(ctx.captured_queries) == queries
    assert client_for(network.staff[Role.FRONT_DESK]).get(reverse("outlet-reconciliation")).status_code == 403
