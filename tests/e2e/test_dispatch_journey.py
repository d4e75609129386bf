"""The issue's journey: a dispatcher assigns an on-site order; the engineer, on a phone, runs the
visit and the customer signs on the screen."""

import pytest

from core.roles import Role
from dispatch.models import CHECKLIST, Appointment, VisitReport
from tests.dispatch.factories import engineer, next_workday, onsite_order
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory
from workorders.lifecycle import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_dispatcher_assigns_and_the_engineer_visits_and_gets_the_signature(migration_data, live_server, page, browser):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-hotline", role=Role.HOTLINE, outlets=[outlet])
    dispatcher = UserFactory(username="e2e-dispatch", role=Role.DISPATCHER, outlets=[outlet])
    fixer = engineer(outlet, username="e2e-engineer", base_area="徐汇区")
    order = onsite_order(clerk, outlet)
    day = next_workday().isoformat()

    log_in(page, live_server.url, dispatcher.username, PASSWORD)
    page.goto(f"{live_server.url}/dispatch/?day={day}")
    page.click(f"[data-testid=assign-{order.number}]")
    page.wait_for_selector("[data-testid=suggestions] li")
    page.click("[data-testid=booking-form] button[name=check]")
    page.wait_for_selector("[data-testid=booking-problems].alert-success")
    page.click("[data-testid=book]")
    page.wait_for_selector(f"[data-testid=block-{order.number}]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dispatch-board.png"), full_page=True)
    assert Appointment.objects.get().engineer == fixer

    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    try:
        _visit(phone, live_server, fixer, order, day)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "engineer-phone.png"), full_page=True)
        phone_context.close()

    report = VisitReport.objects.get()
    order.refresh_from_db()
    assert report.signature.startswith("data:image/png;base64,") and report.rating_quality == 5
    assert report.checklist["shoe_covers"] and order.status == Status.AWAITING_CALLBACK
    assert report.checklist_not_done == {"mat_cloth": "客户家铺了地垫"}


def _visit(phone, live_server, fixer, order, day):
    log_in(phone, live_server.url, fixer.username, PASSWORD)
    phone.goto(f"{live_server.url}/jobs/?day={day}")
    phone.click(f"[data-testid=job-{order.number}]")
    phone.check("[data-testid=confirm-form] input[value=confirmed]")
    phone.click("[data-testid=confirm-form] button[type=submit]")
    phone.fill("[data-testid=plan-form] input[name=travel_minutes]", "25")
    phone.click("[data-testid=plan-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=planned-departure]")
    for label in ("出发", "到达"):
        phone.click(f"[data-testid=visit-events] button:has-text('{label}')")
    for code in CHECKLIST:
        if code != "mat_cloth":
            phone.check(f"#id_check_{code}")
    phone.fill("#id_why_mat_cloth", "客户家铺了地垫")
    # Each checklist answer is readable on the phone: the label beside its box is not squeezed.
    label = phone.locator("[data-testid=checklist-full_inspection] label").first.bounding_box()
    assert label["width"] > 50 and label["height"] < 30  # one line, not one character per line
    phone.select_option("#id_proof", "proof_seen")
    phone.fill("#id_diagnosis", "温控板接触不良")
    phone.fill("#id_actions", "重新插接温控板排线")
    phone.fill("#id_test_run_result", "试机正常")
    phone.click("[data-testid=report-form] button[type=submit]")
    phone.click("[data-testid=visit-events] button:has-text('开始维修')")
    phone.click("[data-testid=visit-events] button:has-text('完工')")
    phone.wait_for_selector("[data-testid=sign-off-form]")
    assert phone.locator("[data-testid=checklist-open]").count() == 0  # every item answered
    assert "温控板接触不良" in phone.inner_text("[data-testid=service-record-summary]")
    phone.locator("[data-testid=signature-pad]").scroll_into_view_if_needed()
    box = phone.locator("[data-testid=signature-pad]").bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 40)
    phone.mouse.down()
    phone.mouse.move(box["x"] + 150, box["y"] + 100, steps=8)
    phone.mouse.up()
    phone.select_option("#id_rating_quality", "5")
    phone.select_option("#id_rating_attitude", "5")
    phone.click("[data-testid=sign-off-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=signed-off]")
