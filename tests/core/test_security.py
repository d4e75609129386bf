import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from core.logging import RedactFilter, mask_phone, redact
from core.roles import Role
from tests.factories import PASSWORD, OutletFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_right_password_lands_on_role_home(network, client):
    response = _login(client, "fd", PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 302  # "/" -> role home
    assert client.get(reverse("home"), follow=True).request["PATH_INFO"] == reverse("home-front-desk")


def test_bad_credentials_show_a_clear_message_and_keep_the_username(network, client):
    response = _login(client, "fd", "wrong-password")
    assert response.status_code == 200
    assert 'value="fd"' in response.text
    assert "请输入一个正确的用户名和密码" in response.text or "Please enter a correct" in response.text


def test_repeated_failed_logins_lock_the_account_and_are_logged(network, client, settings, caplog):
    caplog.set_level(logging.INFO, logger="security")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "fd", "wrong-password")
    locked = _login(Client(), "fd", PASSWORD)  # even the right password, from another browser
    assert locked.status_code == 429
    assert "locked-out" in locked.text
    assert "_auth_user_id" not in Client().session
    messages = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert any(m.startswith("lockout user=fd") for m in messages)
    assert sum(m.startswith("login_failed user=fd") for m in messages) >= settings.AXES_FAILURE_LIMIT
    assert not any("wrong-password" in m for m in messages)


def test_api_token_endpoint_is_throttled_too(network, settings):
    client = Client()
    url = reverse("api-token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "hl", "password": "nope"})
    response = client.post(url, {"username": "hl", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "token" not in response.json()


def test_post_without_csrf_token_is_refused(network):
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.staff[Role.ADMIN], backend="core.permissions.PermissionBackend")
    response = client.post(reverse("outlet-create"), {"code": "x1", "name": "x", "centre": network.centre_a.pk})
    assert response.status_code == 403


def test_login_without_csrf_token_is_refused(network):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "fd", "password": PASSWORD})
    assert response.status_code == 403


def test_user_text_is_escaped_everywhere_it_is_shown(network, client_for):
    evil = "<script>alert(1)</script>"
    outlet = OutletFactory(code="evil", name=evil, centre=network.centre_a, address=evil)
    admin = client_for(network.staff[Role.ADMIN])
    for url in (reverse("outlet-list"), reverse("outlet-detail", args=[outlet.pk]), reverse("home")):
        response = admin.get(url, follow=True)
        assert evil not in response.text
    detail = admin.get(reverse("outlet-detail", args=[outlet.pk]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.text


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("call 13812345678 now", "call 138****5678 now"),
        ("+8613812345678", "138****5678"),
        ("86 13812345678", "138****5678"),
        ("order 202611220001234", "order 202611220001234"),  # not a phone: 15 digits
    ],
)
def test_phone_numbers_are_masked(raw, masked):
    assert mask_phone(raw) == masked


def test_passwords_and_tokens_are_redacted():
    text = redact('password=hunter2 {"token": "abc123"} Authorization: Token 0123456789abcdef0123')
    assert "hunter2" not in text
    assert "abc123" not in text
    assert "0123456789abcdef0123" not in text


def test_log_records_are_redacted_by_the_filter():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s phone %s", ("wang", "13912345678"), None)
    RedactFilter().filter(record)
    assert record.getMessage() == "user wang phone 139****5678"


def test_security_log_never_holds_a_password_or_full_phone(network, client, caplog, settings):
    caplog.set_level(logging.INFO)
    # A clerk types their phone number as the username and a password by mistake.
    _login(client, "13912345678", "Secret#Typo1")
    _login(client, "fd", PASSWORD)
    text = "\n".join(_formatted(r) for r in caplog.records)
    assert "Secret#Typo1" not in text and PASSWORD not in text
    assert "13912345678" not in text
    assert "login_failed user=139****5678" in text
    assert "login user=fd" in text


def _formatted(record):
    RedactFilter().filter(record)
    return record.getMessage()


def test_role_change_is_logged_with_who(network, caplog):
    from core.services import user_update

    caplog.set_level(logging.INFO, logger="security")
    clerk = network.staff[Role.FRONT_DESK]
    user_update(
        user=clerk,
        name=clerk.name,
        role=Role.HOTLINE,
        outlets=[network.a1],
        centre=None,
        is_headquarters=False,
        is_active=True,
        actor=network.staff[Role.ADMIN],
    )
    assert "role_changed user=fd from=front_desk to=hotline by=ad" in caplog.text


def test_pages_carry_a_content_security_policy_without_inline_script(network, client_for):
    # Issue 20, item 9.
    page = client_for(network.staff[Role.FRONT_DESK]).get(reverse("intake"))

    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in page["Content-Security-Policy"]


def test_no_template_holds_an_inline_script_or_handler():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert len(templates) > 50
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\son[a-z]+\s*=", re.IGNORECASE)
    assert [str(p.relative_to(root)) for p in templates if inline.search(p.read_text(encoding="utf-8"))] == []


def test_signed_in_pages_prints_and_api_answers_are_not_stored(network, client_for):
    from tests.workorders.factories import walk_in_order

    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    client = client_for(network.staff[Role.FRONT_DESK])
    for url in (
        reverse("work-order-list"),
        reverse("work-order-print", args=[order.pk, "pickup-slip"]),
        reverse("api-work-order-list"),
    ):
        assert client.get(url)["Cache-Control"] == "private, no-store", url
    assert Client().post(reverse("api-token"), {})["Cache-Control"] == "private, no-store"
