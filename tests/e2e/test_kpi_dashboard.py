"""The supervisor's KPI dashboard draws its charts (ECharts from npm, served by WhiteNoise)."""

import pytest

from core.roles import Role
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.kpis.test_measures import figures_made, received, t
from tests.workorders.factories import walk_in_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_renders_its_charts(migration_data, live_server, page):
    outlet = OutletFactory(name="上海徐汇网点")
    supervisor = UserFactory(username="e2e-kpis", role=Role.SUPERVISOR, centre=outlet.centre)
    desk = UserFactory(role=Role.FRONT_DESK, outlets=[outlet])
    for _ in range(3):
        received(walk_in_order(desk, outlet), t(10))
    figures_made()  # as beat does every few minutes

    log_in(page, live_server.url, supervisor.username, PASSWORD)
    page.goto(f"{live_server.url}/kpis/?period=custom&start=2026-10-15&end=2026-10-15")
    page.wait_for_selector("[data-chart='fixed-on-arrival'][data-drawn=true] canvas")
    assert page.locator("[data-chart][data-drawn=true]").count() == page.locator("[data-chart]").count()
    assert "3" in page.inner_text("[data-testid=table-fixed-on-arrival] tfoot")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kpi-dashboard.png"), full_page=True)
