import pytest
from django.test import Client
from django.urls import reverse

from core.models import User
from core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_default_language_is_simplified_chinese(client):
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.text


def test_switch_to_english_sticks_in_a_cookie(client):
    response = client.post(reverse("language-switch"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == "en"
    assert "Log in" in page.text


def test_switch_is_saved_on_the_user_and_follows_them_to_another_browser(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    client_for(clerk).post(reverse("language-switch"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=clerk.pk).language == "en"
    other_browser = Client()
    other_browser.post(reverse("login"), {"username": "fd", "password": PASSWORD})
    page = other_browser.get(reverse("home"), follow=True)
    assert page.headers["Content-Language"] == "en"


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.post(reverse("language-switch"), {"language": "xx", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert client.get(reverse("login")).headers["Content-Language"] == "zh-hans"


def test_dates_are_shown_the_chinese_way_in_shanghai_time(network, client_for):
    import datetime as dt

    from django.utils import timezone

    clerk = network.staff[Role.FRONT_DESK]
    clerk.last_login = dt.datetime(2026, 1, 31, 17, 30, tzinfo=dt.UTC)  # 01:30 next day in Shanghai
    clerk.save(update_fields=["last_login"])
    page = client_for(network.staff[Role.ADMIN]).get(reverse("staff-detail", args=[clerk.pk]))
    assert "2026年2月1日" in page.text
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
