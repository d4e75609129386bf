import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import User
from core.roles import Role
from tests.factories import UserFactory
from tests.kpis.test_measures import figures_made, received, t
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db
DAY_FILTER = {"period": "custom", "start": "2026-10-15", "end": "2026-10-15"}
# Whole September read from the month rows, the days around it from the day rows.
MONTHS_FILTER = {"period": "custom", "start": "2026-08-30", "end": "2026-10-15"}


def _orders(network, n):
    for _ in range(n):
        received(walk_in_order(network.staff[Role.FRONT_DESK], network.a1), t(10))
    figures_made()


def _table(response, key):
    section = next(s for s in response.context["sections"] if s.key == key)
    return section


def test_an_outlet_supervisor_sees_only_their_outlets(network, client_for):
    _orders(network, 2)
    fd_b = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    received(walk_in_order(fd_b, network.b1), t(10))
    figures_made()
    outlet_supervisor = UserFactory(role=Role.SUPERVISOR, outlets=[network.b1])
    page = client_for(outlet_supervisor).get(reverse("kpi-dashboard"), DAY_FILTER)
    rows = _table(page, "fixed-on-arrival").rows
    assert [(r["outlet"], r["orders"]) for r in rows] == [(network.b1.name, 1)]
    # Asking for another centre's outlet does not widen the scope: the choice is refused.
    refused = client_for(outlet_supervisor).get(reverse("kpi-dashboard"), {**DAY_FILTER, "outlet": network.a1.pk})
    assert refused.context["form"].errors["outlet"]
    centre = client_for(network.staff[Role.SUPERVISOR]).get(reverse("kpi-dashboard"), DAY_FILTER)
    assert [(r["outlet"], r["orders"]) for r in _table(centre, "fixed-on-arrival").rows] == [(network.a1.name, 2)]
    headquarters = client_for(network.staff[Role.ADMIN]).get(reverse("kpi-dashboard"), DAY_FILTER)
    assert _table(headquarters, "fixed-on-arrival").total["orders"] == 3


def test_the_exports_match_the_page(network, client_for):
    _orders(network, 3)
    client = client_for(network.staff[Role.SUPERVISOR])
    page = client.get(reverse("kpi-dashboard"), DAY_FILTER)
    section = _table(page, "fixed-on-arrival")
    expected = [[str(r.get(c.key) if r.get(c.key) is not None else "") for c in section.columns] for r in section.rows]
    expected.append(
        [str(section.total.get(c.key) if section.total.get(c.key) is not None else "") for c in section.columns]
    )
    response = client.get(reverse("kpi-export", args=["fixed-on-arrival", "csv"]), DAY_FILTER)
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][0] == section.columns[0].label and lines[1:] == expected
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("kpi-export", args=["fixed-on-arrival", "xlsx"]), DAY_FILTER)))
    )
    sheet = workbook.active
    assert sheet.title == section.title and section.title in sheet["A1"].value  # what it holds, then the header
    assert sheet["A2"].value == section.columns[0].label and sheet.freeze_panes == "A3"
    cells = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [row[0] for row in cells] == [row[0] for row in expected]
    assert [row[6] for row in cells] == ["3", "3"]  # orders received, outlet and total
    assert client.get(reverse("kpi-export", args=["nothing", "csv"])).status_code == 404


def test_a_custom_period_needs_both_days_in_order(network, client_for):
    client = client_for(network.staff[Role.SUPERVISOR])
    bad = client.get(reverse("kpi-dashboard"), {"period": "custom", "start": "2026-10-15", "end": "2026-10-01"})
    assert bad.status_code == 200 and bad.context["form"].errors["end"]
    bad_export = client.get(
        reverse("kpi-export", args=["delight", "csv"]), {"period": "custom", "start": "2026-10-15", "end": "2026-10-01"}
    )
    assert bad_export.status_code == 302 and bad_export.url.startswith(reverse("kpi-dashboard") + "?period=custom")


@pytest.mark.parametrize("filters", [DAY_FILTER, MONTHS_FILTER], ids=["a day", "months and days"])
@pytest.mark.parametrize("url_name", ["kpi-dashboard", "kpi-scorecards"])
def test_the_pages_run_a_constant_number_of_queries(url_name, filters, network, client_for):
    client = client_for(network.staff[Role.SUPERVISOR])
    _orders(network, 1)
    client.get(reverse(url_name), filters)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name), filters).status_code == 200
    _orders(network, 5)
    received(walk_in_order(UserFactory(role=Role.FRONT_DESK, outlets=[network.a2]), network.a2), t(10))
    received(walk_in_order(network.staff[Role.FRONT_DESK], network.a1), t(10, day=t(0).date().replace(month=9)))
    figures_made(first=t(0).date().replace(month=8, day=30))
    client.get(reverse(url_name), filters)  # the new clerk's role made the cached permissions stale
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(url_name), filters)
    assert len(more) == len(few)


def test_a_row_drills_down_to_the_orders_behind_it(network, client_for):
    _orders(network, 2)
    received(walk_in_order(network.staff[Role.FRONT_DESK], network.a1), t(10, day=t(0).date().replace(day=16)))
    figures_made(last=t(0).date().replace(day=16))
    client = client_for(network.staff[Role.SUPERVISOR])
    page = client.get(reverse("kpi-dashboard"), DAY_FILTER)
    link = _table(page, "fixed-on-arrival").rows[0]["drill_url"]
    assert f'href="{link.replace("&", "&amp;")}"' in page.content.decode()
    orders = client.get(link)
    assert orders.status_code == 200 and len(orders.context["page"].items) == 2


def test_the_dashboard_says_when_its_figures_were_made(network, client_for):
    supervisor = network.staff[Role.SUPERVISOR]
    User.objects.filter(pk=supervisor.pk).update(language="en")
    client = client_for(supervisor)
    before = client.get(reverse("kpi-dashboard"), DAY_FILTER).content.decode()
    assert "The figures have not been made yet" in before
    _orders(network, 1)  # and the figures made, as beat does
    after = client.get(reverse("kpi-dashboard"), DAY_FILTER).content.decode()
    assert "Figures of 2026-10-15 – 2026-10-15 as of" in after


def test_figures_change_only_when_they_are_made_again(network, client_for):
    client = client_for(network.staff[Role.SUPERVISOR])
    _orders(network, 2)
    received(walk_in_order(network.staff[Role.FRONT_DESK], network.a1), t(11))
    stale = _table(client.get(reverse("kpi-dashboard"), DAY_FILTER), "fixed-on-arrival").total["orders"]
    figures_made()
    fresh = _table(client.get(reverse("kpi-dashboard"), DAY_FILTER), "fixed-on-arrival").total["orders"]
    assert (stale, fresh) == (2, 3)


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点我")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_exports_write_typed_text_as_text_never_as_a_formula(network, client_for, name):
    # Penetration test (issue 20, item 4): a name that a spreadsheet would run.
    network.a1.name = name
    network.a1.save()
    _orders(network, 1)
    client = client_for(network.staff[Role.SUPERVISOR])

    response = client.get(reverse("kpi-export", args=["fixed-on-arrival", "csv"]), DAY_FILTER)
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("kpi-export", args=["fixed-on-arrival", "xlsx"]), DAY_FILTER)))
    )

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[1][0] == "'" + name
    cell = workbook.active.cell(row=3, column=1)
    assert cell.data_type == "s" and cell.value == "'" + name
    assert workbook.active.cell(row=3, column=7).value == 1  # numbers stay numbers
