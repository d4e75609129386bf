"""SMS through Tencent Cloud's API, against a local fake that checks the signature and the request's shape
as the provider documents them; the customers' "TD" replies opt their phones out."""

import json

import pytest
from django.urls import reverse

from core.models import MessageOptOut, MessageTemplate, Notification
from core.notify import notification_enqueue, notifications_send

pytestmark = pytest.mark.django_db


def _ready_template():
    return MessageTemplate.objects.create(
        kind="ready_for_pickup",
        language="zh-hans",
        text="您的{product}已修好，请到{outlet}取机，取件码{code}。",
        sms_template_id="2000123",
        sms_params="product, outlet, code",
    )


def _ready(to="+8613812345678", key="ready:1"):
    notification_enqueue(
        kind="ready_for_pickup",
        to=to,
        context={"product": "华为 Mate 60", "outlet": "徐汇网点", "code": "4821"},
        key=key,
    )


def test_a_message_goes_out_as_the_approved_template_with_its_parameters_signed(fake_sms):
    _ready_template()
    _ready()
    assert notifications_send() == 1
    assert fake_sms.problems == []  # the signature and the headers as documented
    (request,) = fake_sms.sent
    assert request["PhoneNumberSet"] == ["+8613812345678"] and request["TemplateId"] == "2000123"
    assert request["TemplateParamSet"] == ["华为 Mate 60", "徐汇网点", "4821"] and request["SignName"] == "徐汇服务"
    sent = Notification.objects.get()
    assert sent.status == "sent" and sent.provider_ref == "2433:+8613812345678"


def test_an_english_message_without_an_english_template_uses_the_chinese_one(fake_sms):
    _ready_template()
    notification_enqueue(kind="ready_for_pickup", to="+8613812345678", context={"code": "1"}, key="en", language="en")
    assert notifications_send() == 1 and fake_sms.sent[0]["TemplateId"] == "2000123"


def test_no_template_or_a_refused_number_fails_at_once_a_server_error_is_retried(fake_sms):
    _ready(key="no template yet")
    notifications_send()
    no_template = Notification.objects.get()
    assert (no_template.status, no_template.attempts) == ("failed", 1) and "SMS template" in no_template.last_error

    _ready_template()
    fake_sms.refuse.add("+8613800000404")
    fake_sms.fail.add("+8613800000500")
    _ready(to="+8613800000404", key="refused")
    _ready(to="+8613800000500", key="server down")
    notifications_send()
    refused = Notification.objects.get(idempotency_key="refused")
    down = Notification.objects.get(idempotency_key="server down")
    assert refused.status == "failed" and "IncorrectPhoneNumber" in refused.last_error
    assert (down.status, down.attempts) == ("pending", 1) and down.not_before is not None
    fake_sms.fail.clear()
    notifications_send(now=down.not_before)
    down.refresh_from_db()
    assert down.status == "sent"


def test_a_td_reply_opts_the_phone_out_and_later_messages_are_withheld(fake_sms, client, settings):
    settings.SMS_REPLY_SECRET = "reply-secret-0123"
    url = reverse("sms-reply", args=["reply-secret-0123"])
    reply = {"extend": "", "mobile": "13812345678", "nationcode": "86", "sign": "徐汇服务", "text": "td ", "time": 1}
    answer = client.post(url, json.dumps(reply), content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"result": 0, "errmsg": "OK"}
    assert MessageOptOut.objects.get().phone == "+8613812345678"
    client.post(url, json.dumps(reply | {"text": "谢谢"}), content_type="application/json")  # not an opt-out word
    assert MessageOptOut.objects.count() == 1
    _ready_template()
    _ready()
    assert notifications_send() == 0 and fake_sms.sent == []
    assert Notification.objects.get().status == "withheld"


def test_the_reply_address_needs_the_secret(client, settings):
    settings.SMS_REPLY_SECRET = ""
    assert (
        client.post(reverse("sms-reply", args=["anything"]), "{}", content_type="application/json").status_code == 404
    )
    settings.SMS_REPLY_SECRET = "reply-secret-0123"
    assert client.post(reverse("sms-reply", args=["guess"]), "{}", content_type="application/json").status_code == 404
    assert client.get(reverse("sms-reply", args=["reply-secret-0123"])).status_code == 405


def test_the_fake_catches_a_wrong_key_and_the_message_fails_for_good(fake_sms, settings):
    settings.SMS_SECRET_KEY = "not-the-key"
    _ready_template()
    _ready()
    assert notifications_send() == 0
    failed = Notification.objects.get()
    assert fake_sms.problems == ["signature"] and fake_sms.sent == []
    assert failed.status == "failed" and "AuthFailure.SignatureFailure" in failed.last_error
