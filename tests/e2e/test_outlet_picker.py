"""Headquarters find an outlet in the order list's filter by typing a few letters of its name or code (the page
carries only the outlet picked; the rest come from the server as typed), at 1366 and on a 390 phone."""

import pytest

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, CentreFactory, OutletFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _headquarters_at(browser, live_server, width, username, language):
    """A headquarters user logged in on a screen `width` pixels wide: (context, page)."""
    head = UserFactory(username=username, role=Role.ADMIN, is_headquarters=True, language=language)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, head.username, PASSWORD)
    return context, page


def _centre_of_many_outlets(code: str, name: str, wanted: str):
    """A centre of 41 outlets (more than a picker lists up front); the one named `wanted` is returned."""
    centre = CentreFactory(code=code, name=name)
    for n in range(40):
        OutletFactory(code=f"{code}-{n:02d}", name=f"{name}第{n}网点", centre=centre)
    return OutletFactory(code=f"{code}-wanted", name=wanted, centre=centre)


@pytest.mark.parametrize("width", [1366, 390])
def test_headquarters_search_an_outlet_as_they_type(migration_data, live_server, browser, width):
    wanted = _centre_of_many_outlets("pick", "华南中心", "广州天河网点")
    context, page = _headquarters_at(browser, live_server, width, f"e2e-pick-hq-{width}", "en")
    page.goto(f"{live_server.url}/orders/")
    assert page.locator("select[name=outlet] option").count() == 1  # nothing listed up front
    control = page.locator("[data-testid=work-order-filters] .ts-control").filter(
        has=page.locator("#id_outlet-ts-control")
    )
    label = page.locator("label[for=id_outlet-ts-control], label[for=id_outlet]").first.bounding_box()
    assert control.bounding_box()["width"] >= max(label["width"], 100)  # as wide as its label, not squeezed
    control.click()
    page.keyboard.type("天河")
    height = control.bounding_box()["height"]
    page.locator(".ts-dropdown .option", has_text="广州天河网点").click()
    assert control.bounding_box()["height"] == height  # one line, focused or not: the form does not jump
    page.locator("[data-testid=work-order-filters] button[type=submit]").click()
    page.wait_for_url(f"**outlet={wanted.pk}**")
    assert page.locator("select[name=outlet] option:checked").inner_text() == "广州天河网点"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_headquarters_search_an_outlet_on_the_claims_list(migration_data, live_server, browser, width):
    wanted = _centre_of_many_outlets("claims", "华北中心", "北京海淀网点")
    context, page = _headquarters_at(browser, live_server, width, f"e2e-claims-hq-{width}", "zh-hans")
    page.goto(f"{live_server.url}/settlement/claims/")
    assert page.locator("select[name=outlet] option").count() == 1  # "All outlets" only, not 41
    control = page.locator(".ts-control").filter(has=page.locator("#claim-outlet-ts-control"))
    status = page.locator("select[name=status]").bounding_box()
    assert control.bounding_box()["width"] >= 120 and status["width"] >= 80  # each wide enough to read
    control.click()
    page.keyboard.type("海淀")
    page.locator(".ts-dropdown .option", has_text="北京海淀网点").click()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**outlet={wanted.pk}**")
    assert page.locator("select[name=outlet] option:checked").inner_text() == "北京海淀网点"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()
