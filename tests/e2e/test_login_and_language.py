import pytest
from django.urls import reverse

from core.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, CentreFactory, OutletFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# role -> (its home path part, a navigation label (zh-hans) it must see, one it must not see)
HOMES = {
    Role.FRONT_DESK: ("front-desk", "网点", "员工"),
    Role.HOTLINE: ("hotline", "网点", "员工"),
    Role.DISPATCHER: ("dispatcher", "网点", "员工"),
    Role.ENGINEER: ("engineer", None, "网点"),
    Role.SUPERVISOR: ("supervisor", "员工", "系统状态"),
    Role.ADMIN: ("admin", "系统状态", None),
}


@pytest.fixture
def staff(migration_data):

    centre = CentreFactory(code="east", name="华东服务中心")
    outlet = OutletFactory(code="sh-xuhui", name="上海徐汇网点", centre=centre)
    users = {}
    for role in Role:
        scope = {"is_headquarters": True} if role == Role.ADMIN else {"outlets": [outlet]}
        if role == Role.SUPERVISOR:
            scope = {"centre": centre}
        users[role] = UserFactory(username=f"e2e-{role.value}", role=role, **scope)
    return users


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_to_its_own_home_page(role, staff, live_server, page):
    path, must_see, must_not_see = HOMES[role]
    log_in(page, live_server.url, staff[role].username, PASSWORD)
    assert page.url.endswith(f"/home/{path}/")
    assert (
        str(role.label) in page.inner_text("[data-testid=home-title]")
        or page.locator("[data-testid=home-title]").is_visible()
    )
    nav = page.text_content("[data-testid=main-nav]")  # the menus' pages too, folded or not
    if must_see:
        assert must_see in nav
    if must_not_see:
        assert must_not_see not in nav
    # Every navigation link opens a page, not an error (the menus' own toggles lead nowhere).
    links = page.locator("[data-testid=main-nav] a:not(.dropdown-toggle)").evaluate_all("els => els.map(e => e.href)")
    for href in links:
        response = page.request.get(href)
        assert response.status == 200, href


def test_wrong_password_shows_an_error_and_keeps_the_username(staff, live_server, page):
    log_in(page, live_server.url, staff[Role.HOTLINE].username, "wrong-password")
    assert page.url.endswith(reverse("login"))
    assert page.locator("[data-testid=form-errors]").is_visible()
    assert page.input_value("input[name=username]") == staff[Role.HOTLINE].username


def test_switch_language_to_english_and_it_sticks(staff, live_server, page):
    log_in(page, live_server.url, staff[Role.FRONT_DESK].username, PASSWORD)
    assert "首页" in page.inner_text("[data-testid=main-nav]")
    with page.expect_navigation():
        page.select_option("[data-testid=language-switch] select", "en")
    assert "Home" in page.inner_text("[data-testid=main-nav]")
    page.goto(f"{live_server.url}/outlets/")
    assert "Service outlets" in page.inner_text("main")
    with page.expect_navigation():
        page.select_option("[data-testid=language-switch] select", "zh-hans")
    assert "服务网点" in page.inner_text("main")


def test_log_out_from_the_user_menu(staff, live_server, page):
    log_in(page, live_server.url, staff[Role.DISPATCHER].username, PASSWORD)
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}{reverse('login')}")
    page.goto(f"{live_server.url}/outlets/")
    assert reverse("login") in page.url


def test_phone_sized_screen_collapses_the_navigation(staff, live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, staff[Role.ENGINEER].username, PASSWORD)
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click(".navbar-toggler")
    page.get_by_test_id("main-nav").get_by_role("link", name="我的任务").click()
    assert page.url.endswith(reverse("my-jobs"))
    context.close()


# The top bar of every role, at a phone, a small laptop and a desktop, in both languages: one line high,
# nothing beyond the window, the user menu and the language switch in view; below the widths where
# the menus fit, one menu button.
TOP_BAR = """() => {
  const bar = document.querySelector('[data-testid=top-bar]').getBoundingClientRect();
  const inView = sel => { const r = document.querySelector(sel).getBoundingClientRect();
                          return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; };
  return {height: bar.height, overflow: document.documentElement.scrollWidth - window.innerWidth,
          user: inView('[data-testid=user-menu]'), language: inView('[data-testid=language-switch] select'),
          toggler: getComputedStyle(document.querySelector('.navbar-toggler')).display !== 'none'};
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_top_bar_fits_every_role_at_every_width(language, staff, live_server, browser):
    for role, user in staff.items():
        user.language = language
        user.save(update_fields=["language"])
        for width in (390, 1024, 1366):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            log_in(page, live_server.url, user.username, PASSWORD)
            bar = page.evaluate(TOP_BAR)
            assert bar["overflow"] <= 0 and bar["user"] and bar["language"], (role, width, bar)
            assert bar["height"] <= 64, (role, width, bar)  # one line
            assert bar["toggler"] == (width < 992), (role, width, bar)
            context.close()


def test_a_clerk_makes_an_api_token_on_a_phone_sees_it_once_and_revokes_it(staff, live_server, page):
    # Issue 20, item 11: tokens one manages oneself, in the browser; the page fits a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, staff[Role.HOTLINE].username, PASSWORD)
    page.goto(live_server.url + reverse("api-tokens"))
    page.fill("input[name=name]", "ERP 同步")
    page.click("[data-testid=token-form] button[type=submit]")

    token = page.inner_text("[data-testid=new-token] code").strip()
    assert len(token) == 64
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.request.get(live_server.url + "/api/v1/me/", headers={"Authorization": f"Token {token}"}).ok
    page.goto(live_server.url + reverse("api-tokens"))
    assert token not in page.content() and "ERP 同步" in page.inner_text("[data-testid=token-list]")

    page.once("dialog", lambda dialog: dialog.accept())  # "Revoke all your tokens?"
    page.click("text=吊销我的全部令牌")
    assert "您还没有 API 令牌" in page.inner_text("[data-testid=token-list]")
    assert page.request.get(live_server.url + "/api/v1/me/", headers={"Authorization": f"Token {token}"}).status == 401
