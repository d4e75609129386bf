"""The outbox: messages written with their event, sent once by the beat task, retried, recorded."""

import pytest
from django.db import transaction

from core import notify
from core.models import MessageTemplate, Notification
from core.notify import notification_enqueue, notifications_send

pytestmark = pytest.mark.django_db


class FlakyNotifier:
    calls: list = []

    def send(self, *, to, message, kind):
        FlakyNotifier.calls.append(to)
        if to == "broken":
            raise ConnectionError("SMS gateway down")


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


def test_a_failing_delivery_is_retried_then_recorded_as_failed(flaky):
    _enqueue(to="broken", key="a")
    _enqueue(to="13800000001", key="b")
    for _ in range(notify.MAX_ATTEMPTS):
        notifications_send()
    broken, fine = Notification.objects.order_by("id")
    assert (broken.status, broken.attempts, "gateway" in broken.last_error) == ("failed", notify.MAX_ATTEMPTS, True)
    assert fine.status == "sent" and flaky.calls.count("13800000001") == 1


def test_admins_edit_the_text_and_a_bad_placeholder_does_not_break_it():
    MessageTemplate.objects.create(
        kind="callbacks_overdue", language="zh-hans", text="{outlet} 有 {count} 个回访超时 {oops}"
    )
    _enqueue()
    assert Notification.objects.get().message == "徐汇网点 有 3 个回访超时 "
