import datetime as dt

import pytest
from django.utils import timezone

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.models import WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_logs_a_walk_in_sees_the_warranty_and_moves_it_to_repaired(migration_data, live_server, page):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-desk", role=Role.FRONT_DESK, outlets=[outlet])
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.click("[data-testid=shortcuts] >> text=新建工单")
    page.fill("#id_phone", "13812345678")
    page.wait_for_selector("text=未找到用户")
    page.fill("#id_customer_name", "王小明")
    page.fill("#id_address", "上海市徐汇区漕溪北路 88 号")
    page.select_option("#id_category", label="手机")
    page.fill("#id_brand", "华为")
    page.fill("#id_model", "Mate 60")
    page.fill("#id_purchase_date", (timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.select_option("#id_proof", "invoice")
    page.wait_for_selector("[data-testid=warranty-preview] [data-option=return]")
    page.fill("#id_fault_description", "屏幕不亮，充电无反应")
    page.check("#id_data_loss_acknowledged")
    page.click("[data-testid=intake-submit]")
    page.wait_for_selector("[data-testid=order-number]")
    order = WorkOrder.objects.get()
    assert page.inner_text("[data-testid=order-number]") == order.number
    assert "退货" in page.inner_text("[data-testid=order-warranty]")
    page.click("[data-action=start_service]")
    page.click("[data-action=finish_repair]")
    assert "已修复" in page.inner_text("[data-testid=order-status]")
    timeline = page.inner_text("[data-testid=timeline]")
    assert "维修中" in timeline and clerk.name in timeline
    # The same phone now finds the customer and the product for the next visit.
    page.goto(f"{live_server.url}/orders/new/")
    page.fill("#id_phone", "13812345678")
    page.wait_for_selector("[data-testid=pick-product]")
    assert "王小明" in page.inner_text("[data-testid=customer-matches]")
