"""Self-service booking: the phone proved by an SMS code (five minutes, five tries, limits per phone and per
address), the customer's earlier products offered with their warranty, the outlet's real free windows, and
a received order of channel "self-service" at the outlet's hotline with the tracking link sent."""

import datetime as dt
import random
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.roles import Role
from dispatch.rules import BOOKING_LENGTH
from dispatch.selectors import free_windows
from portal import booking
from portal.models import PhoneVerification
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.workorders.factories import customer_with_product
from workorders.lifecycle import Status
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
PHONE = "+8613812345678"


@pytest.fixture(autouse=True)
def _address_of_this_test(client):
    """The limits per address are counted in the cache (Redis), which outlives a test: an address of its own."""
    client.defaults["REMOTE_ADDR"] = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _code_sent(phone=PHONE) -> str:
    message = Notification.objects.filter(kind="verification_code", to=phone).latest("id")
    return message.context["code"]


def test_a_code_is_sent_hashed_and_checked_once(network):
    code = booking.code_send(phone=PHONE, language="zh-hans")
    row = PhoneVerification.objects.get()
    assert code not in row.code_hash and _code_sent() == code and re.fullmatch(r"\d{6}", code)
    assert Notification.objects.get(kind="verification_code").message.startswith("您的验证码是")
    booking.code_check(phone=PHONE, code=code)
    with pytest.raises(ValidationError, match="先获取验证码|Ask for a code"):
        booking.code_check(phone=PHONE, code=code)  # used up


def test_a_code_expires_after_five_minutes(network):
    code = booking.code_send(phone=PHONE, language="zh-hans")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5, seconds=1)):
        with pytest.raises(ValidationError) as refused:
            booking.code_check(phone=PHONE, code=code)
    assert "expired" in str(refused.value) or "过期" in str(refused.value)


def test_five_wrong_tries_end_the_code_and_each_is_counted(network):
    code = booking.code_send(phone=PHONE, language="zh-hans")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=str(left)):
            booking.code_check(phone=PHONE, code=wrong)
    with pytest.raises(ValidationError, match="错误次数过多"):
        booking.code_check(phone=PHONE, code=wrong)
    assert PhoneVerification.objects.get().tries == 5
    with pytest.raises(ValidationError, match="错误次数过多"):
        booking.code_check(phone=PHONE, code=code)  # even the right code: ask for a new one


def test_one_code_a_minute_and_five_an_hour_per_phone(network):
    start = timezone.now()
    booking.code_send(phone=PHONE, language="zh-hans")
    with pytest.raises(ValidationError, match="wait a minute|请稍等"):
        booking.code_send(phone=PHONE, language="zh-hans")
    booking.code_send(phone="+8613900000000", language="zh-hans")  # another phone is not held up
    for minutes in (2, 4, 6, 8):
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            booking.code_send(phone=PHONE, language="zh-hans")
    with time_machine.travel(start + dt.timedelta(minutes=10)), pytest.raises(ValidationError, match="hour|小时"):
        booking.code_send(phone=PHONE, language="zh-hans")
    with time_machine.travel(start + dt.timedelta(minutes=61)):
        booking.code_send(phone=PHONE, language="zh-hans")


def test_only_a_mainland_mobile_gets_a_code(network):
    assert booking.mainland_mobile("138 1234 5678") == PHONE
    for bad in ("021 6488 1234", "12345", "+1 650 253 0000"):
        with pytest.raises(ValidationError, match="11 位"):
            booking.mainland_mobile(bad)


def test_the_free_windows_follow_the_engineers_hours_and_bookings(network):
    day = next_workday()
    first = engineer(network.a1, username="wang")
    hotline, dispatcher = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER]
    with time_machine.travel(at(day, 7), tick=False):
        assert len(free_windows(outlet=network.a1, first_day=day, length=BOOKING_LENGTH)) == 7 * 4
        booked(onsite_order(hotline, network.a1), first, dispatcher, day=day, hour=9)
        booked(onsite_order(hotline, network.a1), first, dispatcher, day=day, hour=11)
        windows = free_windows(outlet=network.a1, first_day=day, length=BOOKING_LENGTH)
        # No two-hour visit can start between 09:00 and 12:30 any more: the morning windows are gone.
        assert [timezone.localtime(start).hour for start, _end in windows[:2]] == [14, 16]
        assert timezone.localtime(windows[2][0]).date() == day + dt.timedelta(days=1)
    with time_machine.travel(at(day, 15), tick=False):  # a window already begun is not offered
        assert (
            timezone.localtime(free_windows(outlet=network.a1, first_day=day, length=BOOKING_LENGTH)[0][0]).hour == 16
        )
    assert free_windows(outlet=network.b1, first_day=day, length=BOOKING_LENGTH) == []  # no engineer there


def _verify(client, outlet, phone="13812345678"):
    url = reverse("book", args=[outlet.code])
    client.post(url, {"action": "send_code", "phone": phone})
    client.post(url, {"action": "verify", "code": _code_sent(f"+86{phone}")})
    return url


def test_a_new_customer_books_and_the_hotline_gets_a_self_service_order(network, client):
    engineer(network.a1, username="wang")
    url = _verify(client, network.a1)
    page = client.get(url).content.decode()
    assert 'data-testid="booking-form"' in page and "138 1234 5678" in page
    window = free_windows(outlet=network.a1, first_day=timezone.localdate(), length=BOOKING_LENGTH)[0]
    answer = client.post(
        url,
        {
            "action": "book",
            "product": "new",
            "category": _category("air_conditioner"),
            "brand": "格力",
            "model": "KFR-35",
            "fault_description": "不制冷",
            "address": "上海市徐汇区漕溪北路 88 号",
            "window": window[0].isoformat(),
            "name": "李雷",
        },
    )
    order = WorkOrder.objects.get()
    assert answer.status_code == 302 and answer["Location"].startswith("/t/")
    assert (order.channel, order.status, order.outlet, order.requested_time) == (
        "self_service",
        Status.RECEIVED,
        network.a1,
        window[0],
    )
    assert order.customer.name == "李雷" and order.owner.username == "self-service" and not order.owner.is_active
    assert Notification.objects.filter(kind="order_received", to="+8613812345678").exists()  # the tracking link
    note = order.events.filter(kind="note").get()
    assert note.actor is None and "self-service page" in note.message["id"]
    hotline = network.staff[Role.HOTLINE]
    from workorders.selectors import work_order_list

    assert work_order_list(user=hotline).filter(pk=order.pk, status=Status.RECEIVED).exists()


def _category(code):
    from workorders.models import ProductCategory

    return ProductCategory.objects.get(code=code).pk


def test_a_known_customer_is_offered_their_products_with_the_warranty(network, client):
    engineer(network.a1, username="wang")
    customer, product = customer_with_product(network.staff[Role.FRONT_DESK], network.a1, category="air_conditioner")
    other, theirs = customer_with_product(network.staff[Role.FRONT_DESK], network.a1, phones=("13900000000",))
    url = _verify(client, network.a1)
    page = client.get(url).content.decode()
    assert f'id="product-{product.pk}"' in page and "保修期内" in page
    assert f'id="product-{theirs.pk}"' not in page  # only the verified phone's products
    window = free_windows(outlet=network.a1, first_day=timezone.localdate(), length=BOOKING_LENGTH)[0]
    fields = {
        "action": "book",
        "fault_description": "漏水",
        "address": "漕溪北路 88 号",
        "window": window[0].isoformat(),
    }
    refused = client.post(url, fields | {"product": str(theirs.pk)})  # someone else's product: not offered
    assert refused.status_code == 200 and not WorkOrder.objects.exists()
    client.post(url, fields | {"product": str(product.pk)})
    order = WorkOrder.objects.get()
    assert order.customer == customer and order.product == product


def test_nothing_is_booked_without_a_proved_phone_or_with_a_window_not_offered(network, client):
    engineer(network.a1, username="wang")
    url = reverse("book", args=[network.a1.code])
    client.post(url, {"action": "book", "product": "new", "fault_description": "x", "address": "y"})
    assert not WorkOrder.objects.exists()
    _verify(client, network.a1)
    answer = client.post(
        url,
        {
            "action": "book",
            "product": "new",
            "category": _category("air_conditioner"),
            "brand": "格力",
            "fault_description": "不制冷",
            "address": "漕溪北路 88 号",
            "name": "李雷",
            "window": "2020-01-01T09:00:00+08:00",
        },
    )
    assert answer.status_code == 200 and 'data-field="window"' in answer.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_wrong_code_is_answered_next_to_the_field(network, client):
    url = reverse("book", args=[network.a1.code])
    client.post(url, {"action": "send_code", "phone": "13812345678"})
    answer = client.post(url, {"action": "verify", "code": "000000" if _code_sent() != "000000" else "111111"})
    assert 'data-field="code"' in answer.content.decode() and "还剩 4 次" in answer.content.decode()
    assert 'data-testid="booking-form"' not in client.get(url).content.decode()


def test_codes_asked_from_one_address_are_limited(network, client):
    url = reverse("book", args=[network.a1.code])
    for n in range(10):
        client.post(url, {"action": "send_code", "phone": f"1390000{n:04d}"})
    answer = client.post(url, {"action": "send_code", "phone": "13700000000"})
    assert "这个网络" in answer.content.decode() or "this network" in answer.content.decode()
    assert PhoneVerification.objects.count() == 10


def test_an_unknown_or_closed_outlet_is_a_404_and_the_outlet_list_finds_by_words(network, client):
    assert client.get(reverse("book", args=["nope"])).status_code == 404
    network.b1.is_active = False
    network.b1.save()
    assert client.get(reverse("book", args=[network.b1.code])).status_code == 404
    page = client.get(reverse("book-outlets"), {"q": "浦东"}).content.decode()
    assert network.a2.name in page and network.a1.name not in page


def test_staff_print_the_outlets_booking_qr_code(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    detail = client_for(clerk).get(reverse("outlet-detail", args=[network.a1.pk])).content.decode()
    assert f'href="{reverse("book-poster", args=[network.a1.code])}"' in detail
    poster = client_for(clerk).get(reverse("book-poster", args=[network.a1.code])).content.decode()
    assert f'alt="http://testserver{reverse("book", args=[network.a1.code])}"' in poster and "扫码预约维修" in poster
    assert client_for(clerk).get(reverse("book-poster", args=[network.b1.code])).status_code == 404  # not theirs


def test_the_booking_page_reads_one_query_per_product_offered_and_offers_ten_at_most(
    network, client, django_assert_max_num_queries
):
    from workorders.services import product_register

    engineer(network.a1, username="wang")
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(clerk, network.a1, category="air_conditioner")
    for n in range(11):
        product_register(customer=customer, category=product.category, brand=f"牌子{n}", actor=clerk)
    url = _verify(client, network.a1)
    # Session, outlet, customer, products, windows (two), address…, and each product's own repair history
    # (the warranty words), for the ten newest products.
    with django_assert_max_num_queries(10 + 10):
        page = client.get(url).content.decode()
    assert page.count('name="product"') == 10 + 1  # ten of theirs and "another product"
