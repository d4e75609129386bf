"""The service manuals' rules in a person's hands (issue 23): a late engineer on a phone, phone guidance
at the hotline desk and by the engineer, and a complaint call that a supervisor owns."""

import pytest
import time_machine

from complaints.models import ComplaintCase
from core.roles import Role
from dispatch.models import Appointment
from followups.models import Callback
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.lifecycle import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _fits(page) -> None:
    """Nothing runs off the side of the screen."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_late_engineer_calls_before_the_agreed_time_and_the_customer_takes_another_time(
    migration_data, live_server, browser
):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-late-hl", role=Role.HOTLINE, outlets=[outlet])
    dispatcher = UserFactory(username="e2e-late-dp", role=Role.DISPATCHER, outlets=[outlet])
    fixer = engineer(outlet, username="e2e-late-eng")
    order = onsite_order(clerk, outlet)
    day = next_workday()
    appointment = booked(order, fixer, dispatcher, day=day, hour=10, hours=2)
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        with time_machine.travel(at(day, 9, 45), tick=True):
            log_in(phone, live_server.url, fixer.username, PASSWORD)
            phone.goto(f"{live_server.url}/jobs/{appointment.pk}/")
            phone.fill("[data-testid=plan-form] input[name=travel_minutes]", "30")
            phone.click("[data-testid=plan-form] button[type=submit]")
            phone.click("[data-testid=visit-events] button:has-text('出发')")
            prompt = phone.locator("[data-testid=late-call]")
            assert "09:58" in prompt.inner_text()  # 1-2 minutes before the agreed 10:00
            _fits(phone)
            phone.screenshot(path=str(ARTIFACTS / "engineer-running-late.png"), full_page=True)
            prompt.locator("button").click()
            phone.wait_for_load_state("domcontentloaded")
            assert phone.locator("[data-testid=late-call] button").count() == 0  # recorded: no second call asked
        with time_machine.travel(at(day, 10, 12), tick=True):
            phone.reload()
            phone.click("[data-testid=visit-events] button:has-text('到达')")
            form = phone.locator("[data-testid=lateness-form]")
            form.locator("input[name=apology_made]").check()
            form.locator("input[name=another_time]").check()
            form.locator("textarea[name=note]").fill("客户赶时间出门，改约明天")
            box = form.locator("label[for=id_another_time]").bounding_box()
            assert box["width"] > 150  # the choice reads as a sentence, not a column of characters
            _fits(phone)
            form.locator("button[type=submit]").click()
            phone.wait_for_load_state("domcontentloaded")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "engineer-late-rescheduled.png"), full_page=True)
        context.close()
    appointment.refresh_from_db()
    order.refresh_from_db()
    assert appointment.late_call_at is not None and appointment.late_minutes in (12, 13)  # the clock ticks
    assert appointment.status == Appointment.Status.CANCELLED and order.status == Status.AWAITING_DISPATCH


def test_guidance_at_the_desk_and_by_the_engineer_and_a_complaint_call_owned_by_a_supervisor(
    migration_data, live_server, page, browser
):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-desk-hl", role=Role.HOTLINE, outlets=[outlet])
    dispatcher = UserFactory(username="e2e-desk-dp", role=Role.DISPATCHER, outlets=[outlet])
    supervisor = UserFactory(username="e2e-desk-sv", role=Role.SUPERVISOR, outlets=[outlet])
    fixer = engineer(outlet, username="e2e-desk-eng")
    at_desk = onsite_order(clerk, outlet)
    booked_job = booked(onsite_order(clerk, outlet), fixer, dispatcher)

    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/hotline/")
    page.fill("#id_call-caller_phone", "13812345678")
    page.select_option("#id_call-call_type", "service_request")
    page.fill("#id_call-summary", "空调不制冷")
    page.fill("#id_call-number", at_desk.number)
    page.check("#id_call-phone_guidance")
    page.fill("#id_call-guidance_advice", "切换到制冷模式并清洗滤网")
    page.click("[data-testid=call-form] button[name=log_call]")
    page.wait_for_selector("[data-testid=call-table]")
    page.click("[data-testid=complaint-call]")
    page.fill("#id_caller_phone", "13812345678")
    page.select_option("#id_category", "attitude")
    page.fill("#id_description", "客服态度生硬")
    page.click("[data-testid=case-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-form] .invalid-feedback")  # two customers share this phone
    page.fill("#id_number", at_desk.number)
    page.click("[data-testid=case-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-handler]")
    assert page.inner_text("[data-testid=case-handler]").strip() == str(supervisor)
    _fits(page)

    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    phone.set_default_timeout(15_000)
    try:
        log_in(phone, live_server.url, fixer.username, PASSWORD)
        phone.goto(f"{live_server.url}/jobs/{booked_job.pk}/")
        phone.fill("[data-testid=phone-guidance-form] textarea[name=advice]", "遥控器锁定，已教客户解锁")
        phone.click("[data-testid=phone-guidance-form] button[type=submit]")
        phone.wait_for_load_state("domcontentloaded")
        _fits(phone)
    finally:
        phone.screenshot(path=str(ARTIFACTS / "engineer-phone-guidance.png"), full_page=True)
        phone_context.close()

    manager = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    log_in(manager, live_server.url, supervisor.username, PASSWORD)
    mine = manager.locator("[data-testid=home-my-cases] a")
    assert mine.count() == 1 and clerk.name in mine.inner_text()  # logged by the clerk, owned by the supervisor
    panel = manager.locator("[data-testid=home-my-cases]").bounding_box()
    assert panel["x"] + panel["width"] <= 1024  # the panel fits (the top bar's own overflow is issue 24)
    manager.screenshot(path=str(ARTIFACTS / "supervisor-owns-complaints.png"), full_page=True)
    manager.context.close()
    assert ComplaintCase.objects.get().handler == supervisor
    at_desk.refresh_from_db()
    booked_job.refresh_from_db()
    assert at_desk.status == Status.AWAITING_CALLBACK
    assert booked_job.status == Appointment.Status.CANCELLED
    assert Callback.objects.filter(plan__code="guidance-2h").count() == 2
