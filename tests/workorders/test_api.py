import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Notification
from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import walk_in_order
from workorders.models import Customer, Product, WorkOrder

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _payload(network, **overrides):
    return {
        "outlet": network.a1.pk,
        "phone": "13812345678",
        "customer_name": "王小明",
        "category": "phone",
        "brand": "华为",
        "model": "Mate 60",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "proof": "invoice",
        "channel": "hotline",
        "service_type": "repair",
        "fault_description": "屏幕不亮",
        "idempotency_key": "api-1",
    } | overrides


def test_create_then_read_with_the_timeline(network):
    client = _api(network.staff[Role.HOTLINE])
    response = client.post(reverse("api-work-order-list"), _payload(network), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["warranty_options"] == ["return", "exchange", "free_repair"]
    assert body["events"][0]["kind"] == "created"
    again = client.post(reverse("api-work-order-list"), _payload(network), format="json")
    assert again.json()["id"] == body["id"] and WorkOrder.objects.count() == 1
    assert Customer.objects.count() == 1 and Product.objects.count() == 1  # the repeat's were rolled back
    detail = client.get(reverse("api-work-order-detail", args=[body["id"]])).json()
    assert detail["number"] == body["number"]


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"phone": "123"}, {"phone"}),
        ({"channel": "pigeon"}, {"channel"}),
        ({"category": "spaceship"}, {"category"}),
        ({"purchase_date": "2099-01-01"}, {"purchase_date"}),
        ({"fault_description": ""}, {"fault_description"}),
    ],
)
def test_bad_input_is_400_with_field_messages_and_nothing_saved(network, overrides, fields):
    response = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"), _payload(network, **overrides), format="json"
    )
    assert response.status_code == 400
    assert fields <= set(response.json()["error"]["fields"])
    assert not WorkOrder.objects.exists()


def test_intake_into_another_outlet_is_404(network):
    response = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"), _payload(network, outlet=network.b1.pk), format="json"
    )
    assert response.status_code == 404


def test_transitions_and_the_409_on_a_stale_version(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    client = _api(clerk)
    url = reverse("api-work-order-transition", args=[order.pk])
    moved = client.post(url, {"transition": "start_service", "version": order.version}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "in_service"
    stale = client.post(url, {"transition": "finish_repair", "version": order.version}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    illegal = client.post(url, {"transition": "close"}, format="json")
    assert illegal.status_code == 400 and "transition" in illegal.json()["error"]["fields"]
    forbidden = _api(network.staff[Role.ENGINEER]).post(url, {"transition": "cancel", "reason": "x"}, format="json")
    assert forbidden.status_code == 400  # cancel is not possible from in_service; the role check comes after


def test_a_role_may_not_make_a_transition_outside_the_table(network):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    response = _api(network.staff[Role.ENGINEER]).post(
        reverse("api-work-order-transition", args=[order.pk]), {"transition": "cancel", "reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_other_outlets_orders_are_invisible(network):
    other = walk_in_order(UserFactory(role=Role.FRONT_DESK, outlets=[network.b1]), network.b1)
    client = _api(network.staff[Role.FRONT_DESK])
    assert client.get(reverse("api-work-order-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("api-work-order-note", args=[other.pk]), {"text": "x"}, format="json").status_code == 404
    assert client.get(reverse("api-work-order-list")).json()["results"] == []


def test_hand_over_and_notes(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    client = _api(clerk)
    moved = client.post(
        reverse("api-work-order-hand-over", args=[order.pk]),
        {"new_owner": network.staff[Role.HOTLINE].pk, "reason": "交接"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["owner"] == str(network.staff[Role.HOTLINE])
    assert (
        client.post(reverse("api-work-order-note", args=[order.pk]), {"text": "已联系"}, format="json").status_code
        == 201
    )


@pytest.mark.parametrize("rows", [2, 10])
def test_list_endpoint_query_count_is_constant(rows, network, django_assert_num_queries):
    clerk = network.staff[Role.FRONT_DESK]
    for _ in range(rows):
        walk_in_order(clerk, network.a1)
    client = _api(clerk)
    with django_assert_num_queries(1):  # the page (permissions are cached on this user object)
        response = client.get(reverse("api-work-order-list"), {"status": "received"})
    assert len(response.json()["results"]) == rows


def test_customer_lookup_by_phone(network):
    clerk = network.staff[Role.FRONT_DESK]
    walk_in_order(clerk, network.a1)
    found = _api(network.staff[Role.HOTLINE]).get(reverse("api-customer-lookup"), {"q": "13812345678"}).json()
    assert found[0]["phones"] == ["+8613812345678"] and found[0]["products"][0]["category"] == "phone"


def test_an_intake_runs_a_fixed_number_of_queries(network):
    client = _api(network.staff[Role.HOTLINE])
    client.post(reverse("api-work-order-list"), _payload(network, idempotency_key="warm"), format="json")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("api-work-order-list"), _payload(network, phone="13912345678", idempotency_key="n"), format="json"
        )
    assert response.status_code == 201
    # the transaction's savepoint; customer and its history row, phone, product and its history row; the
    # purchase callbacks (those made already, the new ones); the day's number, the order, its created event;
    # the message with the tracking link (the outbox); release. Known already: the phone the link goes to (a
    # new customer's only phone is the one typed), the
    # permissions and the user's outlets (core.permissions); the outlet, the category, its policy's versions,
    # the calling hours, plans and message templates (core.reference); the timeline, which the intake made;
    # the unit's earlier repairs: a product registered now without a serial has none (with one: a query more).
    assert len(ctx.captured_queries) == 13, "\n".join(q["sql"][:90] for q in ctx.captured_queries)
    link = Notification.objects.get(kind="order_received", context__number=response.json()["number"])
    assert link.to == "+8613912345678"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("api-work-order-list"),
            _payload(network, phone="13912345679", idempotency_key="s", serial="IMEI860000000000009"),
            format="json",
        )
    assert response.status_code == 201 and len(ctx.captured_queries) == 14


def test_the_tracking_link_goes_to_a_known_customers_primary_phone_not_the_one_typed(network):
    client = _api(network.staff[Role.HOTLINE])
    first = client.post(reverse("api-work-order-list"), _payload(network), format="json").json()
    customer = WorkOrder.objects.get(pk=first["id"]).customer
    customer.phones.create(number="+8613900002222")  # a second phone, not the primary
    payload = _payload(network, customer=customer.pk, phone="13900002222", customer_name="", idempotency_key="b")
    again = client.post(reverse("api-work-order-list"), payload, format="json")
    assert again.status_code == 201, again.content
    link = Notification.objects.get(kind="order_received", context__number=again.json()["number"])
    assert link.to == "+8613812345678"


# Penetration test (issue 20, item 1): a key another outlet's clerk used must not hand over their order.
def test_another_users_idempotency_key_is_a_new_request_never_their_order(network):
    other_clerk = UserFactory(username="hl-b1", role=Role.HOTLINE, outlets=[network.b1])
    theirs = _api(other_clerk).post(
        reverse("api-work-order-list"),
        _payload(network, outlet=network.b1.pk, phone="13900001111", customer_name="别人", idempotency_key="shared"),
        format="json",
    )
    assert theirs.status_code == 201

    mine = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"), _payload(network, idempotency_key="shared"), format="json"
    )

    assert mine.status_code == 201
    body = mine.json()
    assert body["id"] != theirs.json()["id"] and body["outlet"] == network.a1.pk and body["outlet_code"] == "a1"
    assert "别人" not in mine.content.decode() and "1111" not in mine.content.decode()
    assert WorkOrder.objects.filter(idempotency_key="shared").count() == 2


def test_a_key_repeated_with_another_request_is_409_and_changes_nothing(network):
    client = _api(network.staff[Role.HOTLINE])
    first = client.post(reverse("api-work-order-list"), _payload(network, idempotency_key="k"), format="json")

    again = client.post(
        reverse("api-work-order-list"), _payload(network, idempotency_key="k", fault_description="漏水"), format="json"
    )

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict" and first.json()["number"] in again.json()["error"]["message"]
    assert WorkOrder.objects.count() == 1 and Customer.objects.count() == 1


@pytest.mark.parametrize("field", ["customer", "product"])
def test_an_unknown_customer_or_product_id_is_400_not_a_new_one(network, field):
    response = _api(network.staff[Role.HOTLINE]).post(
        reverse("api-work-order-list"), _payload(network, **{field: 987654}), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}
    assert not WorkOrder.objects.exists() and not Customer.objects.exists()


# Issue 20, item 11: incremental sync and the Idempotency-Key header.


def test_updated_since_and_ordering_for_incremental_sync(network, django_assert_num_queries):
    clerk = network.staff[Role.FRONT_DESK]
    first, second, third = (walk_in_order(clerk, network.a1) for _ in range(3))
    WorkOrder.objects.filter(pk=first.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    mark = timezone.now() - dt.timedelta(days=1)
    second.requirements = "changed last"
    second.save()
    client = _api(clerk)

    with django_assert_num_queries(1):  # the page (permissions and outlets come from the cache)
        response = client.get(
            reverse("api-work-order-list"), {"updated_since": mark.isoformat(), "ordering": "updated_at"}
        )

    assert [o["id"] for o in response.json()["results"]] == [third.pk, second.pk]
    newest_first = client.get(reverse("api-work-order-list")).json()["results"]
    assert [o["id"] for o in newest_first] == [third.pk, second.pk, first.pk]
    bad = client.get(reverse("api-work-order-list"), {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["error"]["fields"]


def test_the_idempotency_key_header_counts_like_the_body_field(network):
    client = _api(network.staff[Role.HOTLINE])
    payload = _payload(network, idempotency_key="")

    first = client.post(reverse("api-work-order-list"), payload, format="json", HTTP_IDEMPOTENCY_KEY="hdr-1")
    again = client.post(reverse("api-work-order-list"), payload, format="json", HTTP_IDEMPOTENCY_KEY="hdr-1")
    clash = client.post(
        reverse("api-work-order-list"), _payload(network, idempotency_key="b"), format="json", HTTP_IDEMPOTENCY_KEY="h"
    )

    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert WorkOrder.objects.get().idempotency_key == "hdr-1"
    assert clash.status_code == 400 and "idempotency_key" in clash.json()["error"]["fields"]
