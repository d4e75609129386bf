"""三包 in the flow of real orders, in the browser: a phone bought 5 days ago exchanged at the desk; a third
repair of the same fault offered exchange at intake; an order past 90 days of waiting for parts turned to
exchange by the morning check."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.models import ProductCategory, UnitSwap, WorkOrder
from workorders.services import (
    clocks_sweep,
    customer_register,
    product_register,
    work_order_receive,
    work_order_transition,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign(page) -> None:
    box = page.locator("[data-testid=signature-pad]").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=8)
    page.mouse.up()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.fixture
def desk(migration_data):
    outlet = OutletFactory(name="上海徐汇网点")
    return outlet, UserFactory(username="e2e-desk", role=Role.FRONT_DESK, outlets=[outlet])


def test_a_phone_bought_5_days_ago_is_exchanged_at_the_desk(desk, live_server, page):
    _outlet, clerk = desk
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/new/")
    page.fill("#id_phone", "13987654321")
    page.fill("#id_customer_name", "李四")
    page.select_option("#id_category", label="手机")
    page.fill("#id_brand", "华为")
    page.fill("#id_model", "Mate 60")
    page.fill("#id_serial", "860000000000001")
    page.fill("#id_purchase_date", (timezone.localdate() - dt.timedelta(days=5)).isoformat())
    page.fill("#id_price", "5999")
    page.wait_for_selector("[data-testid=warranty-preview] [data-option=exchange]")
    page.fill("#id_fault_description", "通话无声")
    page.check("#id_data_loss_acknowledged")
    page.click("[data-testid=intake-submit]")

    page.click("[data-testid=offer-exchange]")
    assert _fits(page)
    page.fill("#id_new_serial", "")
    _sign(page)
    page.click("[data-testid=swap-submit]")
    assert "请登记新机的序列号" in page.inner_text("[data-field=new_serial]")  # next to the field
    page.fill("#id_new_serial", "860000000000002")
    _sign(page)
    page.click("[data-testid=swap-submit]")

    page.wait_for_selector("[data-testid=swap]")
    assert page.inner_text("[data-testid=swap-new-serial]") == "860000000000002"
    assert "已关闭" in page.inner_text("[data-testid=order-status]")
    assert _fits(page)
    with page.context.expect_page() as new_tab:
        page.click("[data-testid=print-swap-slip]")
    slip = new_tab.value
    slip.wait_for_load_state()
    periods = slip.inner_text("[data-testid=slip-new-periods]")
    exchange_until = timezone.localdate() + dt.timedelta(days=15)
    assert f"{exchange_until.year}年{exchange_until.month}月{exchange_until.day}日" in periods
    swap = UnitSwap.objects.get()
    assert swap.new_product.replaced_on == timezone.localdate() and swap.signature.startswith("data:image/png")


def _repaired(order, clerk):
    for step in ("start_service", "finish_repair", "hand_back"):
        order = work_order_transition(work_order=order, transition=step, actor=clerk)
    return order


def test_a_third_repair_of_the_same_fault_is_offered_exchange_at_intake(desk, live_server, page):
    outlet, clerk = desk
    customer = customer_register(name="王五", phones=["13611112222"], outlet=outlet, actor=clerk)
    product = product_register(
        customer=customer,
        category=ProductCategory.objects.get(code="phone"),
        brand="小米",
        model="14",
        serial="861111111111111",
        purchase_date=timezone.localdate() - dt.timedelta(days=120),
        proof="invoice",
        actor=clerk,
    )
    earlier = [
        _repaired(
            work_order_receive(
                outlet=outlet,
                customer=customer,
                product=product,
                channel="walk_in",
                service_type="repair",
                fault_description="屏幕闪烁",
                fault_component="display",
                data_loss_acknowledged=True,
                actor=clerk,
            ),
            clerk,
        )
        for _ in range(2)
    ]
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/new/")
    page.fill("#id_phone", "13611112222")
    page.click("[data-testid=pick-product]")
    page.select_option("#id_fault_component", "display")
    page.wait_for_selector("[data-testid=warranty-preview] [data-option=exchange]")
    assert earlier[0].number in page.inner_text("[data-testid=preview-counted]")
    page.fill("#id_fault_description", "屏幕又闪烁")
    page.check("#id_data_loss_acknowledged")
    page.click("[data-testid=intake-submit]")

    page.wait_for_selector("[data-testid=offer-exchange]")
    counted = page.inner_text("[data-testid=warranty-counted]")
    assert all(o.number in counted for o in earlier)


def test_an_order_past_90_days_of_parts_waiting_turns_to_exchange(desk, live_server, page):
    outlet, clerk = desk
    with time_machine.travel(timezone.now() - dt.timedelta(days=92), tick=False):
        customer = customer_register(name="赵六", phones=["13533334444"], outlet=outlet, actor=clerk)
        product = product_register(
            customer=customer,
            category=ProductCategory.objects.get(code="refrigerator"),
            brand="海尔",
            serial="BCD-1",
            purchase_date=timezone.localdate() - dt.timedelta(days=200),
            proof="invoice",
            actor=clerk,
        )
        order = work_order_receive(
            outlet=outlet,
            customer=customer,
            product=product,
            channel="walk_in",
            service_type="repair",
            fault_description="不制冷",
            data_loss_acknowledged=True,
            actor=clerk,
        )
        work_order_transition(work_order=order, transition="start_service", actor=clerk)
        work_order_transition(work_order=order, transition="wait_for_parts", actor=clerk, reason="压缩机缺货")
    assert clocks_sweep() == 1  # the morning check
    order = WorkOrder.objects.get()
    assert "exchange" in order.warranty_options

    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert "92 / 90 天" in page.inner_text("[data-testid=parts-clock]")
    assert "应为用户换货" in page.inner_text("[data-testid=clock-limit]")
    assert "三包判定已更新" in page.inner_text("[data-testid=timeline]")
    page.wait_for_selector("[data-testid=offer-exchange]")
    assert _fits(page)
