"""Reference data kept in the serving process (core.reference): read once, read again after any change."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import permissions, reference
from core.roles import Role
from workorders.models import ProductCategory, WorkOrder

pytestmark = pytest.mark.django_db


class _Loads:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return {"n": self.count}


@pytest.fixture
def in_a_request():
    """What RequestScopeMiddleware gives a request, with the generation its access check read."""
    permissions.renew_generation()
    token = permissions.request_generation.set({"generation": cache.get(permissions.GENERATION_KEY)})
    yield
    permissions.request_generation.reset(token)


def test_kept_while_the_generation_stays(in_a_request):
    loads = _Loads()
    assert reference.remembered("test-kept", loads) == reference.remembered("test-kept", loads) == {"n": 1}


def test_outside_a_request_the_database_answers_every_time():
    loads = _Loads()
    reference.remembered("test-outside", loads)
    reference.remembered("test-outside", loads)
    assert loads.count == 2


def test_a_request_that_changes_reference_data_keeps_nothing_more(in_a_request):
    loads = _Loads()
    reference.remembered("test-changed", loads)
    permissions.forget_all()  # what a save of a kept model does
    permissions._note("a generation read after the change")  # e.g. another user's access entry
    reference.remembered("test-changed", loads)
    reference.remembered("test-changed", loads)
    assert loads.count == 3


def test_without_the_cache_nothing_is_kept(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    token = permissions.request_generation.set({})
    try:
        loads = _Loads()
        reference.remembered("test-down", loads)
        reference.remembered("test-down", loads)
    finally:
        permissions.request_generation.reset(token)
    assert loads.count == 2


def _payload(network, **overrides):
    return {
        "outlet": network.a1.pk,
        "phone": "13812345678",
        "customer_name": "王小明",
        "category": "phone",
        "brand": "华为",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "proof": "invoice",
        "channel": "hotline",
        "service_type": "repair",
        "fault_description": "屏幕不亮",
    } | overrides


def _intake(client, network, key):
    response = client.post(reverse("api-work-order-list"), _payload(network, idempotency_key=key), format="json")
    assert response.status_code == 201, response.content
    return WorkOrder.objects.get(number=response.json()["number"])


def _hotline_client(network):
    client = APIClient()
    client.force_authenticate(network.staff[Role.HOTLINE])
    return client


def test_an_intake_decides_by_a_policy_version_published_after_the_last_one(network):
    client = _hotline_client(network)
    before = _intake(client, network, "before")  # the category and its policy's versions now kept
    policy = ProductCategory.objects.get(code="phone").warranty_policy
    newer = policy.versions.order_by("-effective_from").first()
    newer.pk, newer.effective_from = None, timezone.localdate() - dt.timedelta(days=40)
    newer.save()
    after = _intake(client, network, "after")
    assert before.warranty_version_id != newer.pk and after.warranty_version_id == newer.pk


def test_an_outlet_out_of_scope_is_not_found_though_kept(network):
    client = _hotline_client(network)
    _intake(client, network, "warm")  # every outlet now kept
    response = client.post(reverse("api-work-order-list"), _payload(network, outlet=network.b1.pk), format="json")
    assert response.status_code == 404
