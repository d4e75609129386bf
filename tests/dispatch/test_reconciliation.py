import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from dispatch.selectors import reconciliation
from dispatch.services import visit_event, visit_no_show, visit_report_save, visit_sign_off
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.dispatch.test_services_visit import REPORT, SIGNATURE

pytestmark = pytest.mark.django_db
# user, the day's appointments, the outlet filter (the session, and the user's permissions, role and
# outlets: from the cache)
QUERIES = 3


def _visit(appointment, eng, *, sign_at, **sign_off):
    with time_machine.travel(appointment.starts_at, tick=False):
        for event in ("departed", "arrived"):
            visit_event(appointment=appointment, event=event, actor=eng)
        visit_report_save(appointment=appointment, actor=eng, **REPORT)
        for event in ("started", "finished"):
            visit_event(appointment=appointment, event=event, actor=eng)
    with time_machine.travel(sign_at, tick=False):
        visit_sign_off(appointment=appointment, satisfied=True, actor=eng, **sign_off)


def test_the_daily_reconciliation_lists_missing_unsigned_and_late_records(network, client_for):
    hl, dp = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER]
    eng = engineer(network.a1, capacity=10)
    idle = engineer(network.a1)
    day = next_workday()

    def job(hour, who=eng):
        return booked(onsite_order(hl, network.a1), who, dp, day=day, hour=hour, hours=1)

    fine, unsigned, late, missing, not_home = job(9), job(10), job(11), job(13), job(14)
    all_good = job(9, idle)
    _visit(fine, eng, sign_at=at(day, 9, 50), signature=SIGNATURE)
    _visit(unsigned, eng, sign_at=at(day, 10, 50), signature_refused_reason="手上有油")
    _visit(late, eng, sign_at=at(day + dt.timedelta(days=1), 9), signature=SIGNATURE)
    _visit(all_good, idle, sign_at=at(day, 9, 50), signature=SIGNATURE)
    with time_machine.travel(at(day, 14, 0), tick=False):
        for event in ("departed", "arrived"):
            visit_event(appointment=not_home, event=event, actor=eng)
    with time_machine.travel(at(day, 14, 6), tick=False):
        visit_no_show(appointment=not_home, note_left=True, centre_informed=True, actor=eng)

    with time_machine.travel(at(day, 20), tick=False):
        rows = {row.engineer.pk: row for row in reconciliation(user=hl, day=day)}
        client = client_for(hl)
        client.get(reverse("reconciliation"), {"day": day.isoformat()})  # warm the permission cache
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("reconciliation"), {"day": day.isoformat()})
        page_queries = len(ctx.captured_queries)  # read now: the next request resets the log
        api = client.get(reverse("api-reconciliation"), {"day": day.isoformat()}).json()

    row = rows[eng.pk]
    assert (len(row.visits), row.signed, row.not_home_or_refused) == (5, 3, 1)
    assert row.missing == [missing] and row.unsigned_satisfied == [unsigned] and row.late == [late]
    assert not (rows[idle.pk].missing or rows[idle.pk].unsigned_satisfied or rows[idle.pk].late)
    assert page.status_code == 200 and missing.work_order.number in page.content.decode()
    assert page_queries == QUERIES
    by_engineer = {r["engineer_id"]: r for r in api["engineers"]}
    assert [a["id"] for a in by_engineer[eng.pk]["missing"]] == [missing.pk]
    assert client_for(eng).get(reverse("reconciliation")).status_code == 403
