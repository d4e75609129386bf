"""The customer's tracking page on a phone (390 × 844), in Chinese and then English: it fits, reads in plain
words, switches language without a login, and asks for another time for the visit, which the dispatcher
then sees."""

import pytest

from core.roles import Role
from dispatch.models import Appointment
from tests.dispatch.factories import booked, engineer, onsite_order
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.tracking import tracking_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NO_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_a_customer_follows_the_visit_on_a_phone_and_asks_for_another_time(migration_data, live_server, browser):
    outlet = OutletFactory(name="上海徐汇网点", address="上海市徐汇区漕溪北路 88 号")
    dispatcher = UserFactory(username="e2e-portal-dp", role=Role.DISPATCHER, outlets=[outlet])
    order = onsite_order(UserFactory(role=Role.HOTLINE, outlets=[outlet]), outlet)
    appointment = booked(order, engineer(outlet, username="e2e-portal-en"), dispatcher, hour=10)
    # A phone set to Chinese, as in WeChat's browser: the page follows its Accept-Language.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/t/{tracking_token(order.pk)}/")
    assert page.inner_text("[data-testid=status]") == "已预约上门"
    assert "上海市徐汇区漕溪北路 88 号" in page.inner_text("[data-testid=outlet]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    page.select_option("[data-testid=language-switch] select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.inner_text("[data-testid=status]") == "Visit booked"
    page.click("text=Ask for another time")
    form = page.locator("[data-testid=move-form]")
    form.locator("button[type=submit]").click()  # nothing typed: told what to write, nothing sent
    page.wait_for_selector("#wish-error")
    page.fill("#wish", "Saturday morning")
    page.locator("[data-testid=move-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=move-asked]")
    assert "the outlet will call you" in page.inner_text("[data-testid=portal-message]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    phone.close()
    appointment.refresh_from_db()
    assert appointment.confirmation == Appointment.Confirmation.CHANGED

    desk = browser.new_context(viewport={"width": 1366, "height": 900})
    page = desk.new_page()
    log_in(page, live_server.url, dispatcher.username, PASSWORD)
    assert "Saturday morning" in page.content()  # among the appointments the dispatcher must act on
    desk.close()


def test_a_customer_approves_the_quote_with_a_signature_drawn_on_the_phone(migration_data, live_server, browser):
    from tests.warranty.factories import published_schedule
    from tests.workorders.factories import quoted_job

    published_schedule()
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-portal-fd", role=Role.FRONT_DESK, outlets=[outlet])
    order = quoted_job(clerk, outlet)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/t/{tracking_token(order.pk)}/")
    assert page.inner_text("[data-testid=quote-total]") == "¥579.00"
    pad = page.locator("[data-testid=signature-pad]").bounding_box()
    assert pad["width"] >= 300 and pad["height"] >= 150  # room to sign with a finger
    form = page.locator("[data-testid=approve-form]")
    form.locator("button[type=submit]").click()  # not signed: told to sign, nothing applied
    page.wait_for_selector("[data-testid=quote-error]")
    pad = page.locator("[data-testid=signature-pad]").bounding_box()
    page.mouse.move(pad["x"] + 30, pad["y"] + 100)
    page.mouse.down()
    for x, y in ((80, 40), (140, 120), (200, 50), (260, 110)):
        page.mouse.move(pad["x"] + x, pad["y"] + y, steps=4)
    page.mouse.up()
    assert page.evaluate(NO_OVERFLOW) <= 0
    page.locator("[data-testid=approve-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=portal-message]")
    assert "报价已同意" in page.inner_text("[data-testid=portal-message]")
    assert page.locator("[data-testid=quote]").count() == 0
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900})
    page = desk.new_page()
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert page.locator("[data-testid=quote-approved]").is_visible()
    assert page.locator("[data-testid=quote-signature]").evaluate("img => img.naturalWidth") > 100
    desk.close()


def test_after_the_visit_the_customer_rates_it_with_thumb_sized_scores(migration_data, live_server, browser):
    from dispatch.services import visit_sign_off
    from tests.dispatch.test_services_visit import SIGNATURE, _at, _visit_until_finished

    outlet = OutletFactory(name="上海徐汇网点")
    dispatcher = UserFactory(username="e2e-rate-dp", role=Role.DISPATCHER, outlets=[outlet])
    order = onsite_order(UserFactory(role=Role.HOTLINE, outlets=[outlet]), outlet)
    eng = engineer(outlet, username="e2e-rate-en")
    appointment = booked(order, eng, dispatcher, hour=10)
    _visit_until_finished(type("Job", (), {"eng": eng, "appointment": appointment}))
    with _at(11, 30):
        visit_sign_off(appointment=appointment, satisfied=True, signature=SIGNATURE, actor=eng)  # no ratings given
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/t/{tracking_token(order.pk)}/")
    form = page.locator("[data-testid=rating-form]")
    # Five scores in one row, each wide enough for a thumb, for each question.
    for name in ("quality", "attitude"):
        boxes = [page.locator(f"label[for={name}-{n}]").bounding_box() for n in range(1, 6)]
        assert all(box["width"] >= 44 and box["height"] >= 36 for box in boxes)
        assert len({round(box["y"]) for box in boxes}) == 1
    page.click("label[for=quality-4]")
    page.fill("#comment", "师傅很细心")
    form.locator("button[type=submit]").click()  # attitude not picked: told, and what was picked is kept
    page.wait_for_selector("#rating-error")
    assert page.is_checked("#quality-4") and page.input_value("#comment") == "师傅很细心"
    page.click("label[for=attitude-5]")
    page.locator("[data-testid=rating-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=portal-message]")
    assert page.locator("[data-testid=rating-form]").count() == 0
    assert page.evaluate(NO_OVERFLOW) <= 0
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900})
    page = desk.new_page()
    log_in(page, live_server.url, dispatcher.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert "4/5" in page.inner_text("main") and "5/5" in page.inner_text("main")  # the visit's ratings, for staff
    desk.close()
