import pytest

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.warranty.factories import published_schedule
from warranty.models import FeeSchedule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_prepares_and_publishes_a_new_fee_schedule(migration_data, live_server, page):
    published_schedule()
    admin = UserFactory(username="e2e-admin", role=Role.ADMIN, is_headquarters=True)
    log_in(page, live_server.url, admin.username, PASSWORD)
    page.goto(f"{live_server.url}/warranty/fees/new/")
    page.fill("input[name=name]", "2027 收费标准")
    page.fill("input[name=effective_from]", "2027-01-01")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=fee-schedule-form]")
    page.fill("input[name=labour-0-amount]", "95.00")
    page.fill("input[name=parts-2-code]", "phone-camera")  # the first blank extra row
    page.fill("input[name=parts-2-name]", "后置摄像头模组")
    page.fill("input[name=parts-2-name_en]", "Rear camera module")
    page.select_option("select[name=parts-2-category]", "phone")  # by name: 手机
    page.fill("input[name=parts-2-price]", "239.00")
    page.click("[data-testid=fee-schedule-form] button[type=submit]")
    page.wait_for_selector("[data-testid=parts-table]")
    assert "后置摄像头模组\t手机\t¥239.00" in page.inner_text("[data-testid=parts-table]")  # names, no codes
    page.click("[data-testid=publish]")
    page.wait_for_selector(".alert-success")
    draft = FeeSchedule.objects.get(name="2027 收费标准")
    assert draft.status == FeeSchedule.Status.PUBLISHED
    assert draft.labour_rates.get(service_type="repair").amount == 95
    assert draft.part_prices.count() == 3
    camera = draft.part_prices.get(code="phone-camera")
    assert (camera.name_en, camera.category) == ("Rear camera module", "phone")
