"""The issue's journey: a hotline clerk logs a complaint about repeated repairs, it escalates, the
supervisor approves an exchange above the clerk's limit, and the confirmation callback closes it."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import ComplaintCase, Remedy
from core.roles import Role
from followups.models import Callback
from followups.services import callback_sweep
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.workorders.factories import customer_with_product
from workorders.services import work_order_receive

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _repaired_twice(desk, outlet):
    customer, product = customer_with_product(desk, outlet)
    orders = [
        work_order_receive(
            outlet=outlet,
            customer=customer,
            product=product,
            channel="walk_in",
            service_type="repair",
            fault_description="不制冷",
            data_loss_acknowledged=True,
            actor=desk,
        )
        for _ in range(2)
    ]
    return orders[-1]


def test_a_repeat_repair_complaint_is_escalated_approved_and_closed_by_the_customer(migration_data, live_server, page):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-complaints", role=Role.HOTLINE, outlets=[outlet])
    supervisor = UserFactory(username="e2e-supervisor", role=Role.SUPERVISOR, centre=outlet.centre)
    order = _repaired_twice(UserFactory(role=Role.FRONT_DESK, outlets=[outlet]), outlet)

    # The clerk logs the complaint from the order number: two repairs of the same fault escalate it.
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/complaints/new/")
    page.fill("[data-testid=case-form] input[name=number]", order.number)
    page.select_option("[data-testid=case-form] select[name=category]", "repair_quality")
    page.fill("[data-testid=case-form] textarea[name=description]", "空调修了两次还是不制冷")
    page.fill("[data-testid=case-form] textarea[name=request]", "要求换新机")
    page.click("[data-testid=case-form] button[type=submit]")
    page.wait_for_selector("[data-testid=escalated-badge]")
    assert page.locator("[data-testid=entitlement] [data-option=exchange]").count() == 1
    case = ComplaintCase.objects.get()
    assert case.repeat_repairs == 2

    page.select_option("[data-testid=step-form] select[name=step]", "apology")
    page.fill("[data-testid=step-form] textarea[name=notes]", "诚恳致歉")
    page.click("[data-testid=step-form] button[type=submit]")
    page.select_option("[data-testid=remedy-form] select[name=kind]", "exchange")
    page.fill("[data-testid=remedy-form] input[name=amount]", "800")
    page.fill("[data-testid=remedy-form] input[name=description]", "换新机，补差价")
    page.click("[data-testid=remedy-form] button[type=submit]")
    page.wait_for_selector("[data-testid=remedies] >> text=800")
    remedy = Remedy.objects.get()
    assert remedy.status == Remedy.Status.AWAITING_APPROVAL  # above the clerk's ¥100

    # The supervisor finds it in the escalated queue and approves the exchange.
    page.context.clear_cookies()
    log_in(page, live_server.url, supervisor.username, PASSWORD)
    page.goto(f"{live_server.url}/complaints/")
    page.click(f"[data-testid=escalated] a[href='/complaints/{case.pk}/']")
    page.click(f"[data-testid=approve-{remedy.pk}]")
    page.wait_for_selector("[data-testid=remedies] .badge >> text=/批准|Approved/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "complaint-case.png"), full_page=True)

    # The clerk agrees the remedy with the customer and asks for the confirmation call.
    page.context.clear_cookies()
    log_in(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/complaints/{case.pk}/")
    page.select_option("[data-testid=step-form] select[name=step]", "remedy")
    page.click("[data-testid=step-form] button[type=submit]")
    page.check("[data-testid=confirm-form] input[name=responsibility][value=outlet]")
    page.fill("[data-testid=confirm-form] textarea[name=lessons]", "同一故障第二次返修时主动升级并评估换机")
    page.click("[data-testid=confirm-form] button[type=submit]")
    page.wait_for_selector("[data-testid=confirmation]")
    case.refresh_from_db()
    assert case.status == ComplaintCase.Status.AWAITING_CONFIRMATION

    # The call comes due; the clerk reaches the customer, who is satisfied: the case closes.
    Callback.objects.filter(pk=case.confirmation_callback_id).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    callback_sweep()
    page.goto(f"{live_server.url}/callbacks/")
    page.click(f"[data-testid=open-{case.confirmation_callback_id}]")
    page.click("[data-testid=claim]")
    page.check("[data-testid=outcome-form] input[value=satisfied]")
    page.fill("[data-testid=outcome-form] textarea[name=notes]", "新机已送到，客户满意")
    page.click("[data-testid=outcome-form] button[type=submit]")
    page.wait_for_selector("[data-testid=call-queue]")

    case.refresh_from_db()
    assert case.status == ComplaintCase.Status.CLOSED and case.closed_at is not None
    page.goto(f"{live_server.url}/complaints/{case.pk}/")
    assert "新机已送到，客户满意" in page.inner_text("[data-testid=case-timeline]")
    assert page.locator("[data-testid=step-form]").count() == 0
