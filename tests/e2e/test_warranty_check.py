import pytest

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clerk(migration_data):
    return UserFactory(username="e2e-desk", role=Role.FRONT_DESK, outlets=[OutletFactory()])


def test_front_desk_checks_a_phone_within_seven_days_on_a_phone_screen(clerk, live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/warranty/check/")
    page.select_option("select[name=policy]", "phone")
    page.fill("input[name=purchase_date]", "2026-03-10")
    page.fill("input[name=fault_date]", "2026-03-14")
    page.click("[data-testid=warranty-form] button[type=submit]")
    page.wait_for_selector("[data-testid=warranty-result]")
    assert page.locator("[data-option]").evaluate_all("els => els.map(e => e.dataset.option)") == [
        "return",
        "exchange",
        "free_repair",
    ]
    assert "退货期内" in page.inner_text("[data-testid=warranty-reasons]")
    # A fault date before the purchase date: the message stands next to the field; input is kept.
    page.fill("input[name=fault_date]", "2026-03-01")
    page.click("[data-testid=warranty-form] button[type=submit]")
    page.wait_for_selector('[data-field="fault_date"]')
    assert page.input_value("input[name=purchase_date]") == "2026-03-10"
    context.close()
