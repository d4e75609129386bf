"""The board of a large outlet: its engineers arrive a page at a time as the dispatcher scrolls, and an
order dragged onto a row of a later page opens the booking for that engineer and half hour."""

import pytest

from core.roles import Role
from dispatch import selectors
from tests.dispatch.factories import engineer, next_workday, onsite_order
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, OutletFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_board_loads_more_engineers_on_scroll_and_takes_drops_on_them(
    migration_data, live_server, page, monkeypatch
):
    monkeypatch.setattr(selectors, "BOARD_PAGE", 4)  # the live server runs in this process
    outlet = OutletFactory(name="上海徐汇网点")
    clerk = UserFactory(username="e2e-board-hotline", role=Role.HOTLINE, outlets=[outlet])
    dispatcher = UserFactory(username="e2e-board-dispatch", role=Role.DISPATCHER, outlets=[outlet])
    team = [engineer(outlet, username=f"e2e-board-en-{n}") for n in range(10)]
    last = max(team, key=lambda user: (user.name, user.pk))
    order = onsite_order(clerk, outlet)

    log_in(page, live_server.url, dispatcher.username, PASSWORD)
    pages = []
    page.on("request", lambda request: "/dispatch/rows/" in request.url and pages.append(request.url))
    page.goto(f"{live_server.url}/dispatch/?day={next_workday().isoformat()}")
    rows = page.locator("[data-testid=board-rows] > div[data-engineer]")
    for _ in range(30):  # the dispatcher scrolls down until no page is left to load
        if rows.count() == 10 and not page.locator("[data-testid=board-more]").count():
            break
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(150)
    assert rows.count() == 10 and len(pages) == 2  # 4 with the page, then two more pages of 4 and 2

    track = page.locator(f".board-track[data-engineer='{last.pk}']")
    box = track.bounding_box()
    page.locator(f".queue-item[data-order='{order.pk}']").drag_to(
        track, target_position={"x": box["width"] * 3 / 14 + 2, "y": box["height"] / 2}
    )  # three hours into the day the board shows (07:00-21:00): 10:00
    form = page.locator("[data-testid=booking-form]")
    form.wait_for()
    assert form.locator("select[name=engineer]").input_value() == str(last.pk)
    assert form.locator("input[name=start]").input_value().startswith("10:00")
