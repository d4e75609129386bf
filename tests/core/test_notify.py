"""The outbox: messages written with their event, sent once by the beat task, retried with backoff,
recorded; opt-outs, quiet hours for marketing-like messages and the daily cap per phone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from core import notify
from core.models import MessageOptOut, MessageTemplate, Notification
from core.notify import notification_enqueue, notifications_send

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


class FlakyNotifier:
    calls: list = []

    def send(self, message):
        FlakyNotifier.calls.append(message.to)
        if message.to == "broken":
            raise ConnectionError("SMS gateway down")
        if message.to == "refused":
            raise notify.PermanentDeliveryError("InvalidParameterValue.IncorrectPhoneNumber")
        return f"serial-{message.pk}"


@pytest.fixture
def flaky(settings):
    settings.NOTIFIER_BACKEND = "tests.core.test_notify.FlakyNotifier"
    FlakyNotifier.calls = []
    return FlakyNotifier


def _enqueue(to="13800000000", key="k1"):
    notification_enqueue(kind="callbacks_overdue", to=to, context={"count": 3, "outlet": "徐汇网点"}, key=key)


def test_a_rolled_back_event_sends_nothing_and_a_repeated_one_sends_once(flaky):
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(key="rolled-back")
        raise RuntimeError
    _enqueue()
    _enqueue()
    assert Notification.objects.count() == 1
    assert notifications_send() == 1 and notifications_send() == 0
    assert flaky.calls == ["13800000000"]


def test_a_failing_delivery_is_retried_after_growing_pauses_then_recorded_as_failed(flaky):
    _enqueue(to="broken", key="a")
    _enqueue(to="13800000001", key="b")
    now = NOON
    assert notifications_send(now=now) == 1
    assert notifications_send(now=now + dt.timedelta(seconds=30)) == 0 and flaky.calls.count("broken") == 1  # waits
    pauses = []
    for _ in range(notify.MAX_ATTEMPTS - 1):
        broken = Notification.objects.get(to="broken")
        pauses.append(broken.not_before - now)
        now = broken.not_before
        notifications_send(now=now)
    broken, fine = Notification.objects.order_by("id")
    assert pauses == notify.BACKOFF  # 1, 5, 15, 60 minutes
    assert (broken.status, broken.attempts, "gateway" in broken.last_error) == ("failed", notify.MAX_ATTEMPTS, True)
    assert fine.status == "sent" and fine.provider_ref == f"serial-{fine.pk}" and flaky.calls.count("13800000001") == 1


def test_a_refusal_for_good_is_not_retried(flaky):
    _enqueue(to="refused")
    notifications_send(now=NOON)
    refused = Notification.objects.get()
    assert (refused.status, refused.attempts, flaky.calls) == ("failed", 1, ["refused"])


def test_a_phone_that_opted_out_is_sent_nothing(flaky):
    MessageOptOut.objects.create(phone="13800000000", source="sms_reply", reply="TD")
    _enqueue()
    _enqueue(to="13800000002", key="other")
    assert notifications_send(now=NOON) == 1
    assert flaky.calls == ["13800000002"]
    assert Notification.objects.get(to="13800000000").status == "withheld"


def test_marketing_like_messages_wait_out_the_quiet_hours_and_service_messages_do_not(flaky, monkeypatch):
    monkeypatch.setattr(notify, "MARKETING_KINDS", frozenset({"praise_received"}))
    notification_enqueue(kind="praise_received", to="13800000003", context={}, key="marketing")
    _enqueue()  # a service message
    late = dt.datetime(2026, 12, 7, 22, 30, tzinfo=SHANGHAI)
    assert notifications_send(now=late) == 1 and flaky.calls == ["13800000000"]
    held = Notification.objects.get(kind="praise_received")
    assert held.marketing and held.status == "pending"
    assert held.not_before == dt.datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)
    assert notifications_send(now=dt.datetime(2026, 12, 8, 7, 59, tzinfo=SHANGHAI)) == 0
    assert notifications_send(now=dt.datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)) == 1


def test_one_phone_gets_at_most_the_daily_cap_the_rest_wait_for_the_next_morning(flaky, settings):
    settings.NOTIFY_DAILY_CAP = 3
    for n in range(5):
        _enqueue(key=f"k{n}")
    _enqueue(to="13800000009", key="another phone")
    assert notifications_send(now=NOON) == 4  # three to the one phone, one to the other
    waiting = Notification.objects.filter(status="pending")
    assert waiting.count() == 2 and {row.last_error for row in waiting} == {"daily cap reached"}
    assert {row.not_before for row in waiting} == {dt.datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)}
    assert notifications_send(now=dt.datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)) == 2


def test_a_batch_reads_a_constant_number_of_queries(flaky, django_assert_max_num_queries):
    for n in range(30):
        _enqueue(to=f"1380000{n:04d}", key=f"many{n}")
    # The rows, the opt-outs, today's counts, then one update a row (and the savepoints around the batch).
    with django_assert_max_num_queries(3 + 30 + 4):
        assert notifications_send(now=NOON) == 30


def test_admins_edit_the_text_and_a_bad_placeholder_does_not_break_it():
    MessageTemplate.objects.create(
        kind="callbacks_overdue", language="zh-hans", text="{outlet} 有 {count} 个回访超时 {oops}"
    )
    _enqueue()
    assert Notification.objects.get().message == "徐汇网点 有 3 个回访超时 "
