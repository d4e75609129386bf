"""API for the rest of the work-order flow and the hotline: same rules as the browser."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.roles import Role
from tests.warranty.factories import published_schedule
from tests.workorders.factories import customer_with_product
from workorders.models import Call, MessageSlip, Payment
from workorders.services import work_order_receive

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_out_of_warranty_flow_over_the_api(network):
    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(clerk, network.a1, purchase_date=dt.date(2020, 1, 1))
    order = work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="walk_in",
        service_type="repair",
        fault_description="屏幕碎裂",
        actor=clerk,
    )
    client = _api(clerk)
    quoted = client.post(
        reverse("api-work-order-quote", args=[order.pk]), {"parts": [{"code": "screen"}]}, format="json"
    )
    assert quoted.status_code == 200 and quoted.json()["status"] == "awaiting_approval"
    url = reverse("api-work-order-transition", args=[order.pk])
    client.post(url, {"transition": "approve_quote"}, format="json")
    blocked = client.post(url, {"transition": "start_service"}, format="json")
    assert blocked.status_code == 400 and "data_loss_acknowledged" in blocked.json()["error"]["fields"]
    client.post(reverse("api-work-order-agreement", args=[order.pk]), {"agreement": "data_loss"}, format="json")
    for step in ("start_service", "finish_repair"):
        assert client.post(url, {"transition": step}, format="json").status_code == 200
    record = client.post(reverse("api-work-order-repair-record", args=[order.pk]), {"cause": "跌落"}, format="json")
    assert record.status_code == 200
    order.refresh_from_db()
    wrong = client.post(reverse("api-work-order-pickup", args=[order.pk]), {"pickup_code": "nope"}, format="json")
    assert wrong.status_code == 400 and "pickup_code" in wrong.json()["error"]["fields"]
    done = client.post(
        reverse("api-work-order-pickup", args=[order.pk]),
        {"pickup_code": order.pickup_code, "payment_method": "alipay", "signature_refused": True, "rating": 4},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "awaiting_callback"
    assert Payment.objects.get().method == "alipay"


def test_details_over_the_api_with_a_409_on_a_stale_version(network):
    hotline = network.staff[Role.HOTLINE]
    customer, product = customer_with_product(hotline, network.a1, model="")
    order = work_order_receive(
        outlet=network.a1,
        customer=customer,
        product=product,
        channel="onsite_request",
        service_type="repair",
        fault_description="不制冷",
        actor=hotline,
    )
    payload = {
        "version": order.version + 5,
        "address": "上海市徐汇区 1 号",
        "model": "KFR-35GW",
        "proof": "invoice",
        "fault_description": "不制冷",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=9)).isoformat(),
    }
    client = _api(hotline)
    assert client.post(reverse("api-work-order-details", args=[order.pk]), payload, format="json").status_code == 409
    fixed = client.post(
        reverse("api-work-order-details", args=[order.pk]), payload | {"version": order.version}, format="json"
    )
    assert fixed.status_code == 200 and fixed.json()["missing_info"] == []


def test_calls_and_message_slips_over_the_api(network):
    hotline = network.staff[Role.HOTLINE]
    client = _api(hotline)
    call = client.post(
        reverse("api-call-list"),
        {
            "outlet": network.a1.pk,
            "caller_phone": "13812345678",
            "call_type": "suggestion",
            "summary": "建议延长营业时间",
        },
        format="json",
    )
    assert call.status_code == 201 and Call.objects.get().call_type == "suggestion"
    assert client.get(reverse("api-call-list")).json()["results"][0]["summary"] == "建议延长营业时间"
    bad = client.post(
        reverse("api-call-list"),
        {"outlet": network.b1.pk, "caller_phone": "13812345678", "call_type": "praise", "summary": "x"},
        format="json",
    )
    assert bad.status_code == 404
    slip = client.post(
        reverse("api-message-slip-list"),
        {
            "outlet": network.a1.pk,
            "caller_name": "周女士",
            "caller_phone": "13900001111",
            "message": "改约到周五",
            "recipient_role": "dispatcher",
        },
        format="json",
    )
    assert slip.status_code == 201
    dispatcher = _api(network.staff[Role.DISPATCHER])
    mine = dispatcher.get(reverse("api-message-slip-list")).json()
    assert [s["message"] for s in mine] == ["改约到周五"]
    answered = dispatcher.post(
        reverse("api-message-slip-answer", args=[mine[0]["id"]]), {"answer": "已改约"}, format="json"
    )
    assert answered.status_code == 200 and MessageSlip.objects.get().status == "answered"
    assert _api(network.staff[Role.ENGINEER]).get(reverse("api-message-slip-list")).json() == []


def test_guidance_over_the_api_names_the_callers_product(network):
    """As on the page: a caller with several products names the one the guidance was for; another
    customer's product is not found."""
    from workorders.services import product_register

    hotline = network.staff[Role.HOTLINE]
    customer, phone = customer_with_product(hotline, network.a1)
    washer = product_register(customer=customer, category=phone.category, brand="海尔", actor=hotline)
    _, strangers = customer_with_product(hotline, network.a1, phones=("13900000007",))
    client = _api(hotline)
    guidance = {
        "outlet": network.a1.pk,
        "caller_phone": "13812345678",
        "call_type": "service_request",
        "summary": "不排水",
        "phone_guidance": True,
        "guidance_advice": "清理过滤器",
    }
    which = client.post(reverse("api-call-list"), guidance, format="json")
    assert which.status_code == 400 and "product" in which.json()["error"]["fields"]
    assert client.post(reverse("api-call-list"), guidance | {"product": strangers.pk}, format="json").status_code == 404
    made = client.post(reverse("api-call-list"), guidance | {"product": washer.pk}, format="json")
    assert made.status_code == 201 and Call.objects.get().work_order.product == washer
