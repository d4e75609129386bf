"""Redis down: intake and the call queue still work; only the beat tasks wait for it (the database is
the truth, so the first sweep after Redis is back catches up)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from followups.models import Callback
from followups.services import callback_sweep
from tests.followups.test_services import _handed_back
from tests.workorders.test_api import _api, _payload
from workorders.lifecycle import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.REDIS_URL = "redis://127.0.0.1:1/0"


def test_intake_and_the_call_queue_do_not_need_redis(redis_down, network, client_for):
    # Bought two days ago: all four purchase callbacks are still ahead at any time of day.
    two_days_ago = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    made = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"), _payload(network, purchase_date=two_days_ago), format="json"
    )
    assert made.status_code == 201
    assert Callback.objects.filter(plan__trigger="purchase").count() == 4  # the purchase callbacks, in the DB

    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()  # what beat does once Redis is back: everything due is queued
    callback = Callback.objects.get(work_order=order)
    client = client_for(network.staff[Role.HOTLINE])
    assert client.get(reverse("call-queue")).status_code == 200
    client.post(reverse("callback-claim", args=[callback.pk]))
    client.post(reverse("callback-record", args=[callback.pk]), {"outcome": "satisfied"})
    order.refresh_from_db()
    assert order.status == Status.CLOSED
