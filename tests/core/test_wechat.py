"""Messages to customers who bound WeChat on their tracking page go to WeChat as template messages, the rest by
SMS; a customer who left the official account gets SMS again. Against local fakes of both APIs."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import MessageTemplate, Notification, WeChatBinding
from core.notify import notification_enqueue, notifications_send
from core.roles import Role
from tests.fakes import wechat
from tests.workorders.factories import walk_in_order
from workorders.tracking import tracking_token

pytestmark = pytest.mark.django_db
PHONE = "+8613812345678"
WECHAT_BROWSER = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50"


@pytest.fixture
def fakes(settings, fake_sms):
    wx, wx_server = wechat.serve()
    settings.NOTIFIER_BACKEND = "core.wechat.WeChatThenSmsNotifier"
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = wechat.APP_ID, wechat.APP_SECRET
    settings.WECHAT_API_BASE = wx.url
    cache.delete(f"wechat:{wechat.APP_ID}_access_token")  # a token of an earlier run
    MessageTemplate.objects.create(
        kind="ready_for_pickup",
        language="zh-hans",
        text="您的{product}已修好，取件码{code}。",
        sms_template_id="2000123",
        sms_params="product,outlet,code",
        wechat_template_id="TPL-ready-0001",
        wechat_fields="thing1=product, thing2=outlet, character_string3=code",
    )
    yield type("Fakes", (), {"sms": fake_sms, "wechat": wx})
    wx_server.shutdown()


def _ready(to=PHONE, key="ready:1"):
    context = {"product": "华为 Mate 60", "outlet": "徐汇网点", "code": "4821", "link": "https://s.example.cn/t/x/"}
    notification_enqueue(kind="ready_for_pickup", to=to, context=context, key=key)


def test_a_bound_customer_gets_the_template_message_in_wechat_and_the_others_an_sms(fakes):
    WeChatBinding.objects.create(phone=PHONE, openid=wechat.OPENID)
    _ready()
    _ready(to="+8613900000000", key="ready:2")
    assert notifications_send() == 2
    assert fakes.wechat.problems == [] and fakes.sms.problems == []
    (sent,) = fakes.wechat.sent
    assert sent["touser"] == wechat.OPENID and sent["template_id"] == "TPL-ready-0001"
    assert sent["data"] == {
        "thing1": {"value": "华为 Mate 60"},
        "thing2": {"value": "徐汇网点"},
        "character_string3": {"value": "4821"},
    }
    assert sent["url"] == "https://s.example.cn/t/x/"
    assert [request["PhoneNumberSet"] for request in fakes.sms.sent] == [["+8613900000000"]]
    assert Notification.objects.get(to=PHONE).provider_ref.startswith("wechat:")


def test_the_access_token_is_fetched_once_for_many_messages(fakes):
    WeChatBinding.objects.create(phone=PHONE, openid=wechat.OPENID)
    for n in range(3):
        _ready(key=f"ready:{n}")
    notifications_send()
    notifications_send()  # another batch, another notifier: the token comes from the cache
    _ready(key="ready:later")
    notifications_send()
    assert len(fakes.wechat.sent) == 4 and fakes.wechat.token_fetches == 1


def test_a_customer_who_left_the_account_gets_sms_from_then_on(fakes):
    WeChatBinding.objects.create(phone=PHONE, openid=wechat.OPENID)
    fakes.wechat.unfollowed.add(wechat.OPENID)
    _ready()
    assert notifications_send() == 1
    assert fakes.wechat.sent == [] and len(fakes.sms.sent) == 1
    assert not WeChatBinding.objects.exists()


def test_the_customer_binds_wechat_from_the_tracking_page_in_wechats_browser(fakes, network, client):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    page_url = reverse("track", args=[tracking_token(order.pk)])
    assert 'data-testid="wechat-bind"' not in client.get(page_url).content.decode()  # not in WeChat: no offer
    page = client.get(page_url, HTTP_USER_AGENT=WECHAT_BROWSER).content.decode()
    assert 'data-testid="wechat-bind"' in page
    bind_url = reverse("track-wechat", args=[tracking_token(order.pk)])
    start = client.get(bind_url, HTTP_USER_AGENT=WECHAT_BROWSER)
    assert start.status_code == 302 and start["Location"].startswith(
        "https://open.weixin.qq.com/connect/oauth2/authorize?"
    )
    state = start["Location"].split("state=")[1].split("#")[0]
    assert client.get(bind_url, {"code": wechat.CODE, "state": "forged"}).status_code == 400
    start = client.get(bind_url)
    state = start["Location"].split("state=")[1].split("#")[0]
    done = client.get(bind_url, {"code": wechat.CODE, "state": state}, follow=True)
    assert "微信" in done.content.decode() and fakes.wechat.problems == []
    assert WeChatBinding.objects.get().phone == PHONE and WeChatBinding.objects.get().openid == wechat.OPENID
    note = order.events.filter(kind="note").latest("id")
    assert note.actor is None and "WeChat" in note.message["id"]


def test_the_wechat_address_is_a_404_without_an_account_or_a_good_token(network, client, settings):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    settings.WECHAT_APP_ID = ""
    assert client.get(reverse("track-wechat", args=[tracking_token(order.pk)])).status_code == 404
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = wechat.APP_ID, wechat.APP_SECRET
    assert client.get(reverse("track-wechat", args=["1:forged"])).status_code == 404
