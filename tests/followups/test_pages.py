import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from followups.models import Callback
from followups.services import callback_sweep
from tests.factories import UserFactory
from tests.followups.test_services import _handed_back
from workorders.lifecycle import Status

pytestmark = pytest.mark.django_db


def test_a_clerk_takes_a_due_callback_from_the_queue_and_closes_the_order(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    hl = network.staff[Role.HOTLINE]
    client = client_for(hl)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="home-call-queue"' in home
    queue = client.get(reverse("call-queue")).content.decode()
    assert f"open-{callback.pk}" in queue and order.customer.name in queue
    client.post(reverse("callback-claim", args=[callback.pk]))
    page = client.get(reverse("callback-detail", args=[callback.pk])).content.decode()
    assert "对这次服务满意吗" in page and 'data-testid="outcome-form"' in page
    missing = client.post(reverse("callback-record", args=[callback.pk]), {"outcome": "dissatisfied"})
    assert missing.status_code == 400
    client.post(reverse("callback-record", args=[callback.pk]), {"outcome": "satisfied"})
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_another_clerk_sees_who_is_calling_and_cannot_take_it(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    client_for(network.staff[Role.HOTLINE]).post(reverse("callback-claim", args=[callback.pk]))
    other = UserFactory(role=Role.HOTLINE, outlets=[network.a1])
    client = client_for(other)
    assert f"open-{callback.pk}" not in client.get(reverse("call-queue")).content.decode()
    client.post(reverse("callback-claim", args=[callback.pk]))
    callback.refresh_from_db()
    assert callback.claimed_by == network.staff[Role.HOTLINE]


def test_callbacks_of_other_outlets_are_not_shown(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    stranger = UserFactory(role=Role.HOTLINE, outlets=[network.b1])
    client = client_for(stranger)
    assert client.get(reverse("callback-detail", args=[callback.pk])).status_code == 404
    assert order.customer.name not in client.get(reverse("call-queue")).content.decode()


def test_the_call_queue_over_the_api(network, client_for):
    order = _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    callback = Callback.objects.get(work_order=order)
    api = client_for(network.staff[Role.HOTLINE])
    listed = api.get(reverse("api-callback-list"), {"status": "queued"}).json()["results"]
    assert callback.pk in [c["id"] for c in listed]
    claimed = api.post(reverse("api-callback-claim", args=[callback.pk]))
    assert claimed.json()["status"] == "claimed" and claimed.json()["phones"] == ["+8613812345678"]
    refused = api.post(
        reverse("api-callback-outcome", args=[callback.pk]), {"outcome": "fault_back"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "notes" in refused.json()["error"]["fields"]
    done = api.post(
        reverse("api-callback-outcome", args=[callback.pk]),
        {"outcome": "fault_back", "notes": "空调又漏水"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
    other = client_for(UserFactory(role=Role.HOTLINE, outlets=[network.a1]))
    assert other.post(reverse("api-callback-claim", args=[callback.pk])).status_code == 409


@pytest.mark.parametrize("url_name", ["call-queue", "api-callback-list"])
def test_queue_queries_do_not_grow_with_rows(network, client_for, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    client = client_for(network.staff[Role.HOTLINE])
    client.get(reverse(url_name))
    few = count()
    for _ in range(5):
        _handed_back(network, timezone.now() - dt.timedelta(days=5))
    callback_sweep()
    assert Callback.objects.filter(status="queued").count() >= 6
    assert count() == few
