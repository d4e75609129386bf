import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.models import Call, MessageSlip

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hotline_logs_a_call_and_leaves_a_slip_the_engineer_answers_from_home(migration_data, live_server, browser):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-hotline", role=Role.HOTLINE, outlets=[outlet])
    engineer = UserFactory(username="e2e-engineer", name="刘洋", role=Role.ENGINEER, outlets=[outlet])

    desk = browser.new_context().new_page()
    log_in(desk, live_server.url, clerk.username, PASSWORD)
    desk.goto(f"{live_server.url}/hotline/")
    desk.fill("#id_call-caller_phone", "13812345678")
    desk.select_option("#id_call-call_type", "praise")
    desk.fill("#id_call-summary", "表扬刘洋师傅上门准时")
    desk.click("[data-testid=call-form] button[name=log_call]")
    desk.wait_for_selector("[data-testid=call-table]")
    assert "表扬刘洋师傅上门准时" in desk.inner_text("[data-testid=call-table]")
    desk.fill("#id_slip-caller_name", "周女士")
    desk.fill("#id_slip-caller_phone", "13900001111")
    desk.fill("#id_slip-message", "请工程师回电确认上门时间")
    desk.fill("#id_slip-best_time", "下午 3 点后")
    desk.select_option("#id_slip-recipient", str(engineer.pk))
    desk.click("[data-testid=slip-form] button[name=take_slip]")
    desk.wait_for_selector(".alert-success")
    assert Call.objects.get().call_type == "praise"

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    log_in(phone, live_server.url, engineer.username, PASSWORD)
    slips = phone.inner_text("[data-testid=open-slips]")
    assert "请工程师回电确认上门时间" in slips and "下午 3 点后" in slips
    phone.fill("[data-testid=open-slips] input[name=answer]", "已回电，约周三上午")
    phone.click("[data-testid=open-slips] button[type=submit]")
    phone.wait_for_selector("text=没有待处理的留言条")
    slip = MessageSlip.objects.get()
    assert slip.status == "answered" and slip.answered_by == engineer


def test_a_service_request_from_the_call_form_opens_intake_with_the_callers_details(migration_data, live_server, page):
    """Nothing typed twice: the caller's phone, the outlet and what they said go to intake, which looks the
    caller up at once; the phone number never appears in a URL."""
    from tests.workorders.factories import customer_with_product

    first, second = OutletFactory(name="上海徐汇网点"), OutletFactory(name="上海浦东网点")
    clerk = UserFactory(username="e2e-hotline", role=Role.HOTLINE, outlets=[first, second])
    customer_with_product(clerk, second, phones=("13812345678",))
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/hotline/")
    page.select_option("#id_call-outlet", str(second.pk))
    page.fill("#id_call-caller_phone", "13812345678")
    page.fill("#id_call-summary", "空调不制冷")
    page.click("[data-testid=intake-from-call]")
    page.wait_for_selector("[data-testid=customer-matches] [data-pick-customer]")
    assert "13812345678" not in page.url
    assert page.input_value("#id_phone") == "13812345678"
    assert page.input_value("#id_outlet") == str(second.pk)
    assert page.input_value("#id_fault_description") == "空调不制冷"
    assert page.input_value("#id_channel") == "hotline"
    assert "张三" in page.inner_text("[data-testid=customer-matches]")


def test_a_long_list_of_outlets_is_searched_by_typing(migration_data, live_server, page):
    """Past a dozen records a select becomes searchable (Tom Select): typing part of a name narrows it, and
    the pick is what the form sends."""
    outlets = [OutletFactory(name=f"测试网点{n:02d}") for n in range(15)]
    wanted = OutletFactory(name="上海浦东网点")
    clerk = UserFactory(username="e2e-hotline", role=Role.HOTLINE, outlets=[*outlets, wanted])
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/hotline/")
    page.click("[data-testid=call-form] .ts-control")
    page.keyboard.type("浦东")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)  # once Tom Select has filtered what was typed (it may lag under load)
    assert options.first.inner_text() == "上海浦东网点"
    options.first.click()
    assert page.input_value("#id_call-outlet") == str(wanted.pk)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
