"""Inputs an API fuzzer found (issue 20, items 6-8): each is a 400 (or a form's message), never a 500,
and the API answers every error in its one shape."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.roles import Role
from tests.workorders.test_api import _payload
from tests.workorders.test_pages import _intake
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
EDGES = ["0001-01-01", "9999-12-31"]


def _api(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize(
    ("role", "url_name", "param"),
    [
        (Role.DISPATCHER, "dispatch-board", "day"),
        (Role.DISPATCHER, "dispatch-board-rows", "day"),
        (Role.DISPATCHER, "dispatch-board-queue", "day"),
        (Role.DISPATCHER, "dispatch-week", "day"),
        (Role.HOTLINE, "reconciliation", "day"),
        (Role.SUPERVISOR, "callback-measures", "from"),
        (Role.SUPERVISOR, "callback-measures", "to"),
    ],
)
def test_pages_refuse_a_day_out_of_range_with_400_and_the_reason(network, client_for, role, url_name, param, day):
    response = client_for(network.staff[role]).get(reverse(url_name), {param: day})

    assert response.status_code == 400
    assert "1980-01-01" in response.text and "2099-12-31" in response.text


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize(
    ("role", "url_name"),
    [(Role.DISPATCHER, "api-dispatch-board"), (Role.HOTLINE, "api-reconciliation")],
)
def test_the_api_refuses_a_day_out_of_range(network, role, url_name, day):
    body = _error(_api(network.staff[role]).get(reverse(url_name), {"day": day}), 400)

    assert set(body["fields"]) == {"day"}


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("url", ["kpi-dashboard", "kpi-scorecards", "kpi-export"])
def test_kpi_pages_and_exports_with_a_custom_period_at_the_edges(network, client_for, url, day):
    args = ["delight", "csv"] if url == "kpi-export" else []
    client = client_for(network.staff[Role.SUPERVISOR])

    response = client.get(reverse(url, args=args), {"period": "custom", "start": day, "end": day}, follow=True)

    assert response.status_code == 200
    assert "1980-01-01" in response.text  # the form says which days it takes


@pytest.mark.parametrize("day", EDGES)
def test_a_quote_on_a_day_out_of_range(network, day):
    body = _error(
        _api(network.staff[Role.FRONT_DESK]).post(
            reverse("api-quote"), {"category": "phone", "service_type": "repair", "on": day}, format="json"
        ),
        400,
    )
    assert set(body["fields"]) == {"on"}


def test_a_nul_byte_in_a_search_is_400(network, client_for):
    page = client_for(network.staff[Role.FRONT_DESK]).get(reverse("work-order-list"), {"q": "138\x00"})
    api = _api(network.staff[Role.FRONT_DESK]).get(reverse("api-work-order-list"), {"q": "138\x00"})

    assert page.status_code == 400
    _error(api, 400)


@pytest.mark.parametrize("url_name", ["api-token", "api-work-order-list"])
def test_json_nested_100000_deep_is_400(network, url_name):
    body = "[" * 100_000 + "]" * 100_000
    client = _api(network.staff[Role.HOTLINE])

    response = client.post(reverse(url_name), body, content_type="application/json")

    assert _error(response, 400)["code"] == "parse_error"


def test_a_body_over_the_limit_is_413_in_the_api_shape(network, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload = json.dumps(_payload(network, fault_description="坏" * 20_000))

    response = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"), payload, content_type="application/json"
    )

    assert _error(response, 413)["code"] == "too_large"
    assert not WorkOrder.objects.exists()


def test_an_unknown_api_path_is_404_in_the_api_shape(network):
    assert _error(_api(network.staff[Role.HOTLINE]).get("/api/v1/no-such-thing/"), 404)["code"] == "not_found"
    assert _error(APIClient().get("/api/v2/"), 404)["code"] == "not_found"


def test_a_crash_in_the_api_is_500_in_the_api_shape(network, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("workorders.selectors.work_order_list", crash)

    body = _error(_api(network.staff[Role.HOTLINE]).get(reverse("api-work-order-list")), 500)

    assert body["code"] == "server_error" and "boom" not in body["message"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purchase_date": "0001-01-01"}, "purchase_date"),
        ({"purchase_date": "1899-12-31"}, "purchase_date"),
        ({"estimated_ready_at": "9999-12-31T00:00:00+08:00"}, "estimated_ready_at"),
        ({"requested_time": "0342-06-17T00:29:11+08:00"}, "requested_time"),
    ],
)
def test_implausible_dates_are_refused_at_intake(network, overrides, field):
    body = _error(
        _api(network.staff[Role.HOTLINE]).post(
            reverse("api-work-order-list"), _payload(network, **overrides), format="json"
        ),
        400,
    )

    assert set(body["fields"]) == {field}
    assert not WorkOrder.objects.exists()


def test_the_intake_page_refuses_a_purchase_date_in_1899_next_to_the_field(network, client_for):
    response = client_for(network.staff[Role.FRONT_DESK]).post(
        reverse("intake"), _intake(network, purchase_date="1899-01-01")
    )

    assert response.status_code == 200 and response.context["form"].errors["purchase_date"]
    assert not WorkOrder.objects.exists()


def test_a_plausible_date_still_passes(network):
    response = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"),
        _payload(network, purchase_date=(timezone.localdate() - dt.timedelta(days=400)).isoformat()),
        format="json",
    )
    assert response.status_code == 201
