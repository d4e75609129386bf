"""Intake, list and detail pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.lifecycle import Status
from workorders.models import Customer, Product, WorkOrder

pytestmark = pytest.mark.django_db


def _intake(network, **overrides):
    data = {
        "outlet": network.a1.pk,
        "phone": "13812345678",
        "customer_name": "王小明",
        "address": "上海市徐汇区漕溪北路 88 号",
        "category": "",
        "brand": "华为",
        "model": "Mate 60",
        "serial": "IMEI860000000000001",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
        "proof": "invoice",
        "channel": "walk_in",
        "service_type": "repair",
        "priority": "normal",
        "fault_description": "屏幕不亮，充电无反应",
        "data_loss_acknowledged": "on",
        "notify_by_phone": "on",
        "idempotency_key": "k-1",
    }
    from workorders.models import ProductCategory

    data["category"] = ProductCategory.objects.get(code="phone").pk
    return data | overrides


def test_front_desk_receives_a_walk_in_for_a_new_customer(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    response = client.post(reverse("intake"), _intake(network))
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("work-order-detail", args=[order.pk])
    assert order.customer.name == "王小明" and str(order.customer.phones.get().number) == "+8613812345678"
    assert order.product.model == "Mate 60" and order.in_warranty
    assert order.address == "上海市徐汇区漕溪北路 88 号"


def test_a_double_submit_creates_one_order(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    client.post(reverse("intake"), _intake(network))
    client.post(reverse("intake"), _intake(network))
    assert WorkOrder.objects.count() == 1 and Customer.objects.count() == 1


def test_an_existing_customer_and_product_are_picked_not_duplicated(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(clerk, network.a1)
    client = client_for(clerk)
    lookup = client.get(reverse("customer-lookup"), {"phone": "138 1234 5678"})
    assert customer.name in lookup.text and 'data-testid="pick-product"' in lookup.text
    client.post(reverse("intake"), _intake(network, customer=customer.pk, product=product.pk, customer_name=""))
    assert Customer.objects.count() == 1 and Product.objects.count() == 1
    assert WorkOrder.objects.get().product == product


def test_a_customer_id_that_does_not_match_the_phone_is_refused(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    customer, _product = customer_with_product(clerk, network.a1, phones=["13900001111"])
    response = client_for(clerk).post(reverse("intake"), _intake(network, customer=customer.pk))
    assert "phone" in response.context["form"].errors
    assert not WorkOrder.objects.exists()


def test_bad_input_stays_on_the_page_with_messages_next_to_fields(network, client_for):
    response = client_for(network.staff[Role.FRONT_DESK]).post(
        reverse("intake"), _intake(network, phone="12345", fault_description="", purchase_date="2099-01-01")
    )
    assert response.status_code == 200
    assert {"phone", "fault_description"} <= set(response.context["form"].errors)
    assert 'value="Mate 60"' in response.text
    assert not WorkOrder.objects.exists() and not Customer.objects.exists()


def test_future_purchase_date_is_refused_and_nothing_half_saved(network, client_for):
    response = client_for(network.staff[Role.FRONT_DESK]).post(
        reverse("intake"), _intake(network, purchase_date="2099-01-01")
    )
    assert "purchase_date" in response.context["form"].errors
    assert not Customer.objects.exists()  # the customer made before the product failed was rolled back


def test_warranty_preview_shows_the_options_before_saving(network, client_for):
    recent = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client_for(network.staff[Role.FRONT_DESK]).get(
        reverse("warranty-preview"), _intake(network, purchase_date=recent)
    )
    assert 'data-option="return"' in response.text


def test_list_filters_and_scopes(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    mine = walk_in_order(clerk, network.a1)
    other_clerk = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    other = walk_in_order(other_clerk, network.b1)
    client = client_for(clerk)
    listed = client.get(reverse("work-order-list"))
    assert mine.number in listed.text and other.number not in listed.text
    assert mine.number in client.get(reverse("work-order-list"), {"q": "13812345678"}).text
    assert mine.number not in client.get(reverse("work-order-list"), {"status": "closed"}).text
    # An order number scanned into the search box opens the order; another outlet's number finds nothing.
    scanned = client.get(reverse("work-order-list"), {"q": mine.number, "status": "", "outlet": ""})
    assert scanned.status_code == 302 and scanned.url == reverse("work-order-detail", args=[mine.pk])
    assert not client.get(reverse("work-order-list"), {"q": other.number}).context["page"].items
    assert mine.number in client.get(reverse("work-order-list"), {"q": mine.number, "status": "received"}).text
    assert client.get(reverse("work-order-detail", args=[other.pk])).status_code == 404
    # The one responsible, by the name people know (not a staff id); "overdue only" is a tick box.
    assert mine.number in client.get(reverse("work-order-list"), {"responsible": clerk.name}).text
    assert mine.number in client.get(reverse("work-order-list"), {"responsible": clerk.username}).text
    assert mine.number not in client.get(reverse("work-order-list"), {"responsible": "nobody"}).text
    assert 'type="checkbox" name="overdue"' in listed.text and "owner" not in listed.context["filters"].form.fields


def test_list_rows_show_each_order_escaped_with_its_flags(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    Customer.objects.filter(pk=order.customer_id).update(name="<b>王</b>")
    WorkOrder.objects.filter(pk=order.pk).update(priority="urgent", missing_info=["address"])
    text = client_for(clerk).get(reverse("work-order-list")).text
    row = re.search(r"<tr><td><a href=\"(?P<link>[^\"]+)\">(?P<number>[^<]+)</a>(?P<rest>.*?)</tr>", text, re.S)
    assert row["link"] == reverse("work-order-detail", args=[order.pk]) and row["number"] == order.number
    assert 'title="信息不全">!</span>' in row["rest"] and 'text-bg-danger">紧急</span>' in row["rest"]
    assert "&lt;b&gt;王&lt;/b&gt;" in row["rest"] and "<b>" not in row["rest"]
    assert f"<td>{order.product.category.label} {order.product}</td>" in row["rest"]
    assert 'class="badge text-bg-secondary">已受理</span>' in row["rest"]


@pytest.mark.parametrize("rows", [2, 12])
def test_list_and_detail_run_a_constant_number_of_queries(rows, network, client_for, django_assert_num_queries):
    clerk = network.staff[Role.FRONT_DESK]
    orders = [walk_in_order(clerk, network.a1) for _ in range(rows)]
    client = client_for(clerk)
    client.get(reverse("work-order-list"))
    # user, outlet and category choices, the page (session, permissions, role and outlets: from the cache)
    with django_assert_num_queries(4):
        client.get(reverse("work-order-list"), {"status": "received", "channel": "walk_in"})
    with django_assert_num_queries(5):  # ... and the staff member named as responsible (name or username)
        client.get(reverse("work-order-list"), {"responsible": clerk.name})
    # user, order, phones, addresses, payments, waivers, events, staff for hand-over, the unit's other
    # orders (its service history), the order's visits and callbacks (two panels), its warranty-cost claim
    # and old-part tags (the settlement panel)
    with django_assert_num_queries(13):
        client.get(reverse("work-order-detail", args=[orders[0].pk]))


def test_next_step_buttons_move_the_order_and_a_stale_form_is_refused(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    client = client_for(clerk)
    page = client.get(reverse("work-order-detail", args=[order.pk]))
    assert 'data-action="start_service"' in page.text
    client.post(reverse("work-order-act", args=[order.pk]), {"transition": "start_service", "version": order.version})
    order.refresh_from_db()
    assert order.status == Status.IN_SERVICE
    stale = client.post(
        reverse("work-order-act", args=[order.pk]),
        {"transition": "finish_repair", "version": order.version - 1},
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == Status.IN_SERVICE
    assert any(m.level_tag == "error" for m in stale.context["messages"])


def test_hand_over_and_note_from_the_page(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    client = client_for(clerk)
    client.post(
        reverse("work-order-hand-over", args=[order.pk]),
        {"new_owner": network.staff[Role.HOTLINE].pk, "reason": "下班交接"},
    )
    client.post(reverse("work-order-note", args=[order.pk]), {"text": "<script>alert(1)</script>"})
    order.refresh_from_db()
    assert order.owner == network.staff[Role.HOTLINE]
    page = client.get(reverse("work-order-detail", args=[order.pk]))
    assert "&lt;script&gt;" in page.text and "<script>alert(1)" not in page.text


def test_home_page_shows_the_roles_queues_with_counts(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    walk_in_order(clerk, network.a1)
    walk_in_order(clerk, network.a1)
    home = client_for(clerk).get(reverse("home"), follow=True)
    counts = dict(re.findall(r'data-status="(\w+)">\s*<div class="card-body py-2"><div class="fs-4">(\d+)', home.text))
    assert counts == {"received": "2", "awaiting_approval": "0", "in_service": "0", "repaired": "0"}


def test_a_complete_on_site_request_lands_in_the_dispatch_queue(network, client_for):
    client = client_for(network.staff[Role.HOTLINE])
    client.post(reverse("intake"), _intake(network, channel="onsite_request", idempotency_key="k-onsite"))
    order = WorkOrder.objects.get()
    assert order.status == Status.AWAITING_DISPATCH
    assert [e.kind for e in order.events.all()] == ["created", "transition"]


def test_an_incomplete_on_site_request_stays_received_with_its_flags(network, client_for):
    client = client_for(network.staff[Role.HOTLINE])
    client.post(
        reverse("intake"), _intake(network, channel="onsite_request", address="", model="", idempotency_key="k-2")
    )
    order = WorkOrder.objects.get()
    assert order.status == Status.RECEIVED and order.missing_info == ["address", "model"]


def test_the_product_line_names_the_serial_only_when_there_is_one(network, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    client = client_for(clerk)
    Product.objects.filter(pk=order.product_id).update(serial="")
    page = client.get(reverse("work-order-detail", args=[order.pk])).text
    assert f"{order.product} · \n" not in page and 'data-testid="product-serial"' not in page
    Product.objects.filter(pk=order.product_id).update(serial="SN-<1>")
    page = client.get(reverse("work-order-detail", args=[order.pk])).text
    assert f'{order.product} · <span translate="no" data-testid="product-serial">SN-&lt;1&gt;</span>' in page
