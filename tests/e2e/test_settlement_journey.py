"""Issue 26's journey: an in-warranty walk-in repaired with a new screen (its old part tagged) and signed for at
pickup; the hotline's 72-hour callback finds the customer satisfied, which closes the order and makes its
claim; the front desk ships the old screen to the centre, whose supervisor receives and inspects it; at
headquarters the settlement clerk reads the claim on a phone-sized screen and approves it at an adjusted
amount with the reason; the month over, headquarters issues the statements and the front desk signs its
outlet's off in the product."""

import datetime as dt

import pytest
from django.utils import timezone

from core.roles import Role
from followups.models import Callback
from followups.services import callback_sweep
from settlement.models import ReturnTag, SettlementStatement, WarrantyClaim
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from tests.settlement.factories import published_price_list
from tests.settlement.test_services import _picked_up
from tests.warranty.factories import published_schedule
from tests.workorders.factories import walk_in_order
from workorders.lifecycle import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
HEIGHTS = {390: 844, 1024: 768, 1366: 900}


def _signed_in(browser, live_server, user, *, width: int):
    """A browser window of `width` with `user` signed in: (its context, its page)."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, user.username, PASSWORD)
    return context, page


def test_a_closed_in_warranty_order_becomes_a_claim_headquarters_approves(migration_data, live_server, browser):
    published_schedule()
    published_price_list()
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(role=Role.FRONT_DESK, outlets=[outlet])
    hotline = UserFactory(username="e2e-hotline", role=Role.HOTLINE, outlets=[outlet])
    clerk.username = "e2e-desk"
    clerk.save()
    supervisor = UserFactory(username="e2e-centre", role=Role.SUPERVISOR, centre=outlet.centre)
    hq = UserFactory(username="e2e-hq", role=Role.ADMIN, is_headquarters=True, language="en")
    order = _picked_up(clerk, walk_in_order(clerk, outlet))
    callback_sweep(now=timezone.now() + dt.timedelta(days=4))
    callback = Callback.objects.get(work_order=order, status=Callback.Status.QUEUED)

    desk, page = _signed_in(browser, live_server, hotline, width=1366)
    page.goto(f"{live_server.url}/callbacks/{callback.pk}/")
    page.click("[data-testid=claim]")
    page.check("[data-testid=outcome-form] input[value=satisfied]")
    page.click("[data-testid=outcome-form] button[type=submit]")
    page.wait_for_selector("[data-testid=call-queue]")
    desk.close()
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    claim = WarrantyClaim.objects.get(work_order=order)
    assert claim.status == WarrantyClaim.Status.PENDING
    tag = ReturnTag.objects.get(work_order=order)

    desk, page = _signed_in(browser, live_server, clerk, width=1024)
    page.goto(f"{live_server.url}/settlement/returns/")
    form = page.locator("[data-testid=shipment-form]")
    form.locator(f"#tag-{tag.pk}").check()
    form.get_by_label("快递公司").fill("顺丰速运")
    form.get_by_label("运单号").fill("SF1402658830051")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=shipment-status]")
    assert "运输中" in page.inner_text("[data-testid=shipment-status]")
    shipment_url = page.url
    desk.close()

    centre, page = _signed_in(browser, live_server, supervisor, width=390)
    page.goto(shipment_url)
    form = page.locator("[data-testid=inspection-form]")
    form.get_by_label(f"检验结果（{tag.code}）").select_option("receive")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=shipment-tags]")
    assert "已签收并检验" in page.inner_text("[data-testid=shipment-status]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    centre.close()
    tag.refresh_from_db()
    assert tag.status == ReturnTag.Status.RECEIVED and tag.inspected_by == supervisor

    phone, page = _signed_in(browser, live_server, hq, width=390)
    page.goto(f"{live_server.url}/settlement/claims/")
    assert page.evaluate(NO_OVERFLOW) <= 0
    page.click(f"text={order.number}")
    page.wait_for_selector("[data-testid=claim-lines]")
    assert "¥340.00" in page.inner_text("[data-testid=claimed]")
    assert "Reached: satisfied" in page.inner_text("[data-testid=claim-sources]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    form = page.locator("[data-testid=decision-form]")
    approve = form.get_by_label("Approve", exact=True)
    assert approve.bounding_box()["width"] >= 12  # the radio itself, not squeezed
    label_box = form.locator("label[for=id_decision_0]").bounding_box()
    assert label_box["width"] >= 50  # the word on one line beside it
    approve.check()
    form.get_by_label("Amount approved (¥)").fill("300")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    assert "Say why the amount differs from the claim." in page.content()
    assert form.get_by_label("Amount approved (¥)").input_value() == "300"  # kept what was typed
    form = page.locator("[data-testid=decision-form]")
    form.get_by_label("Approve", exact=True).check()
    form.get_by_label("Reason or note").fill("屏幕按旧件检测结果核减")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=decision]")
    assert "Approved" in page.inner_text("[data-testid=claim-status]")
    assert "¥300.00" in page.inner_text("[data-testid=approved]")
    claim.refresh_from_db()
    assert claim.status == WarrantyClaim.Status.APPROVED and str(claim.approved) == "300.00" and claim.decided_by == hq

    # The month is over: the claim was approved last month (the test cannot wait for the calendar).
    last_month = timezone.localtime().replace(day=1, hour=12) - dt.timedelta(days=1)
    WarrantyClaim.objects.filter(pk=claim.pk).update(decided_at=last_month)
    page.goto(f"{live_server.url}/settlement/statements/")
    form = page.locator("[data-testid=issue-form]")
    form.get_by_label("Month").fill(f"{last_month:%Y-%m}")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=statements] a")
    assert "¥300.00" in page.inner_text("[data-testid=statements]")
    assert page.evaluate(NO_OVERFLOW) <= 0
    phone.close()
    statement = SettlementStatement.objects.get(outlet=outlet)

    desk, page = _signed_in(browser, live_server, clerk, width=1366)
    page.goto(f"{live_server.url}/settlement/statements/{statement.pk}/")
    assert "叁佰元整" in page.inner_text("[data-testid=statement-totals]")
    form = page.locator("[data-testid=answer-form]")
    form.get_by_label("确认无误").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=statement-status]")
    assert "网点已确认" in page.inner_text("[data-testid=statement-status]")
    desk.close()
    statement.refresh_from_db()
    assert statement.status == SettlementStatement.Status.AGREED and statement.answered_by == clerk
