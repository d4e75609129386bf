"""The customer's tracking page on a phone (390 × 844), in Chinese and then English: it fits, reads in plain
words and switches language without a login."""

import pytest

from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import walk_in_order
from workorders.tracking import tracking_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_customer_follows_the_repair_on_a_phone(migration_data, live_server, browser):
    from tests.factories import OutletFactory

    outlet = OutletFactory(name="上海徐汇网点", address="上海市徐汇区漕溪北路 88 号")
    order = walk_in_order(UserFactory(role=Role.FRONT_DESK, outlets=[outlet]), outlet)
    # A phone set to Chinese, as in WeChat's browser: the page follows its Accept-Language.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/t/{tracking_token(order.pk)}/")
    assert page.inner_text("[data-testid=status]") == "我们已收到您的报修"
    assert "上海市徐汇区漕溪北路 88 号" in page.inner_text("[data-testid=outlet]")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.select_option("[data-testid=language-switch] select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.inner_text("[data-testid=status]") == "We have your request"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()
