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


def test_the_login_pages_language_wins_and_is_saved(network):
    """Chinese is saved on the account; logging in from the English login page works in English, and
    stays English elsewhere."""
    clerk = network.staff[Role.FRONT_DESK]
    assert clerk.language == "zh-hans"
    browser = Client()
    browser.post(reverse("language-switch"), {"language": "en", "next": reverse("login")})
    browser.post(reverse("login"), {"username": clerk.username, "password": PASSWORD})
    assert browser.get(reverse("home"), follow=True).headers["Content-Language"] == "en"
    assert User.objects.get(pk=clerk.pk).language == "en"


def test_english_dates_cannot_be_misread_and_money_is_grouped(network, client_for):
    import datetime as dt
    from decimal import Decimal

    from django.utils import formats, translation

    from core.templatetags.money import money

    clerk = network.staff[Role.FRONT_DESK]
    clerk.last_login = dt.datetime(2026, 12, 3, 7, 45, tzinfo=dt.UTC)  # 15:45 in Shanghai
    clerk.save(update_fields=["last_login"])
    admin = network.staff[Role.ADMIN]
    User.objects.filter(pk=admin.pk).update(language="en")
    page = client_for(admin).get(reverse("staff-detail", args=[clerk.pk]))
    assert "3 Dec 2026 15:45" in page.text and "12/03/2026" not in page.text
    with translation.override("en"):
        assert formats.date_format(dt.date(2026, 12, 3), "SHORT_DATE_FORMAT") == "2026-12-03"
    assert money(Decimal("1234567.5")) == "¥1,234,567.50" and money("0") == "¥0.00" and money(None) == ""


def test_reference_data_reads_in_the_readers_language():
    from django.utils import translation

    from workorders.models import ProductCategory

    washer = ProductCategory.objects.get(code="washing_machine")
    with translation.override("en"):
        assert str(washer) == "Washing machine"
    with translation.override("zh-hans"):
        assert str(washer) == "洗衣机"
    unnamed = ProductCategory.objects.create(code="dryer", name="干衣机")
    with translation.override("en"):
        assert str(unnamed) == "干衣机"  # no English name yet: the Chinese one


def test_a_services_words_on_the_timeline_read_in_each_readers_language(network):
    from django.utils import translation

    from core.words import said
    from tests.workorders.factories import walk_in_order
    from workorders import events
    from workorders.models import WorkOrderEvent

    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    with translation.override("en"):  # caused by an English reader
        event = events.order_noted(
            order, actor=None, text=said(translation.gettext_noop("On-site charges ¥%(total)s"), total="120.00")
        )
    event = WorkOrderEvent.objects.get(pk=event.pk)
    assert event.text == "上门服务费用 ¥120.00"  # as the network reads it, for exports and searches
    with translation.override("zh-hans"):
        assert event.display_text == "上门服务费用 ¥120.00"
    with translation.override("en"):
        assert event.display_text == "On-site charges ¥120.00"
    typed = events.order_noted(order, actor=None, text="客户要求周末取机")
    with translation.override("en"):
        assert typed.display_text == "客户要求周末取机"  # staff's own words stay as typed
