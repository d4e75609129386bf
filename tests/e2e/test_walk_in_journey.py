"""The issue's journey: an out-of-warranty phone quoted, approved, repaired, picked up, paid; prints opened."""

import datetime as dt

import pytest

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.warranty.factories import published_schedule
from workorders.models import Payment, WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_out_of_warranty_walk_in_from_intake_to_paid_pickup(migration_data, live_server, page):
    published_schedule()
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-desk", role=Role.FRONT_DESK, outlets=[outlet])
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/new/")
    page.fill("#id_phone", "13987654321")
    page.fill("#id_customer_name", "李四")
    page.select_option("#id_category", label="手机")
    page.fill("#id_brand", "小米")
    page.fill("#id_model", "14 Pro")
    page.fill("#id_purchase_date", dt.date(2022, 5, 1).isoformat())
    page.wait_for_selector("[data-testid=warranty-preview] [data-option=paid_repair]")
    page.fill("#id_fault_description", "屏幕碎裂")
    page.check("#id_data_loss_acknowledged")
    page.click("[data-testid=intake-submit]")
    page.wait_for_selector("[data-testid=quote-form]")

    # Parts a row each, typed by name (suggested from the schedule); another row on demand, focused.
    parts = page.locator("[data-testid=quote-form] input[name=parts-item]")
    assert parts.count() == 2
    page.click("[data-testid=quote-form] [data-add-row] >> nth=0")
    assert parts.count() == 3 and parts.nth(2).evaluate("input => input === document.activeElement")
    assert page.locator("#id_parts-suggestions option[value=屏幕总成]").count() == 1
    parts.nth(0).fill("屏幕总成")
    amount = page.locator("[data-testid=quote-form] input[name=parts-amount]").nth(0).bounding_box()
    assert amount["width"] >= 80 and parts.nth(0).bounding_box()["width"] > amount["width"]
    page.click("[data-testid=quote-form] button[type=submit]")
    page.wait_for_selector("[data-testid=order-quote]")
    assert "¥579.00" in page.inner_text("[data-testid=order-quote]")
    page.click("[data-action=approve_quote]")
    page.click("[data-action=start_service]")
    page.fill("#id_fault_confirmed", "外屏碎裂")
    page.fill("#id_actions_taken", "更换屏幕总成")
    page.click("[data-testid=repair-form] button[type=submit]")
    page.click("[data-action=finish_repair]")
    page.click("[data-testid=pickup-link]")

    order = WorkOrder.objects.get()
    page.fill("#id_pickup_code", order.pickup_code)
    page.select_option("#id_payment_method", "wechat")
    box = page.locator("[data-testid=signature-pad]").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=8)
    page.mouse.up()
    page.select_option("#id_rating", "5")
    page.click("[data-testid=pickup-form] button[type=submit]")
    page.wait_for_selector("[data-testid=payments]")
    assert "待回访" in page.inner_text("[data-testid=order-status]")
    payment = Payment.objects.get()
    assert payment.method == "wechat" and str(payment.amount) == "579.00"
    order.refresh_from_db()
    assert order.pickup_signature.startswith("data:image/png;base64,") and order.satisfaction_rating == 5

    for testid, text in [
        ("print-repair-record", "维修记录"),
        ("print-pickup-slip", order.pickup_code),
        ("print-receipt", payment.receipt_number),
    ]:
        with page.context.expect_page() as new_tab:
            page.click(f"[data-testid={testid}]")
        printed = new_tab.value
        printed.wait_for_load_state()
        assert text in printed.inner_text("body")
        printed.close()
