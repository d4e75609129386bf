"""A customer books a repair on a phone (390 × 844) from the outlet's QR code: the phone proved by an SMS code
that really goes out through the SMS backend (a local fake of Tencent Cloud's API that checks the signature),
a product, a fault, an address and one of the outlet's free windows; the tracking page follows, and the
hotline finds the self-service order on its home page and list."""

import pytest

from core.models import MessageTemplate, Notification
from core.notify import notifications_send
from core.roles import Role
from tests.dispatch.factories import engineer
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.models import WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NO_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_a_customer_books_from_the_outlets_qr_code_on_a_phone(migration_data, live_server, browser, fake_sms, settings):
    settings.PORTAL_CODES_PER_ADDRESS = "1000/h"  # the browser's address is the same in every run
    outlet = OutletFactory(code="xh-book", name="上海徐汇网点", address="上海市徐汇区漕溪北路 88 号")
    engineer(outlet, username="e2e-book-en")
    hotline = UserFactory(username="e2e-book-hl", role=Role.HOTLINE, outlets=[outlet])
    MessageTemplate.objects.create(
        kind="verification_code",
        language="zh-hans",
        text="您的验证码是 {code}，{minutes} 分钟内有效。",
        sms_template_id="1800001",
        sms_params="code,minutes",
    )
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/book/{outlet.code}/")  # what the QR code on the counter opens
    page.fill("#id_phone", "138 1234 5678")
    page.locator("[data-testid=phone-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=code-form]")
    assert notifications_send() == 1  # the beat's task, run here: the SMS goes to the fake provider
    assert fake_sms.problems == []
    code = fake_sms.sent[-1]["TemplateParamSet"][0]
    assert fake_sms.sent[-1]["PhoneNumberSet"] == ["+8613812345678"] and len(code) == 6
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.locator("[data-testid=code-form] button[type=submit]").click()
    assert "还剩 4 次" in page.inner_text("[data-field=code]")
    page.fill("#id_code", code)
    page.locator("[data-testid=code-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=booking-form]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    # Every choice is a tile as wide as its column: easy to hit with a thumb.
    tiles = page.locator("[data-testid=windows] .pick-tile")
    assert tiles.count() >= 4
    box = tiles.first.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 40
    page.select_option("#id_category", label="空调")
    page.fill("#id_brand", "格力")
    page.fill("#id_fault_description", "不制冷，有异响")
    page.fill("#id_address", "上海市徐汇区漕溪北路 88 号 3 号楼 502")
    page.fill("#id_name", "李雷")
    page.locator("[data-testid=booking-form] button[type=submit]").click()
    page.wait_for_selector("[data-field=window]")  # no time picked: told next to the times, nothing booked
    assert not WorkOrder.objects.exists() and page.input_value("#id_brand") == "格力"  # nothing typed is lost
    tiles.first.click()
    page.locator("[data-testid=booking-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]") == "我们已收到您的报修"
    assert "将致电与您确认" in page.inner_text("[data-testid=portal-message]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    phone.close()
    order = WorkOrder.objects.get()
    assert order.channel == "self_service" and order.requested_time is not None
    assert Notification.objects.filter(kind="order_received", to="+8613812345678").exists()

    desk = browser.new_context(viewport={"width": 1366, "height": 900})
    page = desk.new_page()
    log_in(page, live_server.url, hotline.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    text = page.inner_text("main")
    assert "自助报修" in text and "李雷" in text and "不制冷" in text
    desk.close()
