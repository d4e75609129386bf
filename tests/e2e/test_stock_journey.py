"""The parts stock in three levels, as the people who keep it use it: the outlet clerk, on a phone, finds a
part below its reorder point and orders the shortfall from the centre's warehouse with one tap (the form
comes filled in); the centre's supervisor ships it with a tracking number; the clerk marks it received and
reads the movement on the stock's history."""

import pytest

from core.roles import Role
from dispatch.models import Part, PartStock, StockTransfer
from dispatch.services import place_of_centre, place_of_outlet, reorder_point_set, stock_receive
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _signed_in(browser, live_server, user, *, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, user.username, PASSWORD)
    return context, page


def test_an_outlet_reorders_a_part_the_centre_ships_it_and_the_outlet_receives_it(migration_data, live_server, browser):
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-stock-desk", role=Role.FRONT_DESK, outlets=[outlet])
    supervisor = UserFactory(username="e2e-stock-centre", role=Role.SUPERVISOR, centre=outlet.centre, language="en")
    part = Part.objects.create(code="ac-capacitor", name="启动电容", name_en="Start capacitor")
    stock_receive(place=place_of_centre(outlet.centre), part=part, quantity=20, actor=supervisor)
    stock_receive(place=place_of_outlet(outlet), part=part, quantity=1, actor=supervisor)
    reorder_point_set(outlet=outlet, part=part, reorder_point=5, actor=supervisor)
    row = PartStock.objects.get(place__outlet=outlet, part=part, bin=PartStock.Bin.GOOD)

    phone, page = _signed_in(browser, live_server, clerk, width=390, height=844)
    page.goto(f"{live_server.url}/dispatch/stock/?reorder=1")
    order = page.locator(f"[data-testid=order-{row.pk}]")
    assert "申请 4 个" in order.inner_text()  # 5 - 1 in stock - 0 on the way
    box = order.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # in view on the phone, not scrolled away
    assert page.evaluate(NO_OVERFLOW) <= 0
    order.click()
    form = page.locator("[data-testid=transfer-form]")
    assert form.get_by_label("数量").input_value() == "4"
    assert form.get_by_label("调入地点").input_value() == f"outlet-{outlet.pk}"
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    transfer = StockTransfer.objects.get()
    assert (transfer.source.level, transfer.destination.outlet_id, transfer.quantity) == ("centre", outlet.pk, 4)
    assert page.locator(f"[data-testid=ship-{transfer.pk}]").count() == 0  # the warehouse ships, not the outlet
    phone.close()

    desk, page = _signed_in(browser, live_server, supervisor, width=1366, height=900)
    page.goto(f"{live_server.url}/dispatch/stock/transfers/")
    page.get_by_label("Tracking number").fill("SF1402658830051")
    page.click(f"[data-testid=ship-{transfer.pk}]")
    page.wait_for_selector(".alert-success")
    assert page.evaluate(NO_OVERFLOW) <= 0
    desk.close()

    phone, page = _signed_in(browser, live_server, clerk, width=390, height=844)
    page.goto(f"{live_server.url}/dispatch/stock/transfers/?status=shipped")
    receive = page.locator(f"[data-testid=receive-{transfer.pk}]")
    box = receive.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    receive.click()
    page.wait_for_selector(".alert-success")
    page.goto(f"{live_server.url}/dispatch/stock/{row.pk}/")
    assert page.inner_text("[data-testid=quantity]") == "5"
    movements = page.inner_text("[data-testid=movements]")
    assert "调入" in movements and "+4" in movements and "SF1402658830051" in movements
    assert page.evaluate(NO_OVERFLOW) <= 0
    phone.close()
