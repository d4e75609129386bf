"""Customers' phones and addresses are shown to the roles whose work needs them, masked for admins."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.privacy import mask_address, mask_phone_number, personal
from core.roles import Role
from tests.workorders.factories import walk_in_order
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _order_with_address(network):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    WorkOrder.objects.filter(pk=order.pk).update(address="上海市徐汇区漕溪北路 88 号")  # set-up only
    return order


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("138 1234 5678", "138****5678"), ("+8613812345678", "138****5678"), ("021 6487 1234", "021****1234")],
)
def test_phone_masking(raw, masked):
    assert mask_phone_number(raw) == masked


def test_address_masking_and_no_user_means_masked():
    assert mask_address("上海市徐汇区漕溪北路 88 号") == "上海市徐汇区****"
    assert personal("13812345678", None) == "138****5678"


def test_front_desk_sees_the_phone_and_the_admin_a_masked_one(network, client_for):
    order = _order_with_address(network)
    url = reverse("work-order-detail", args=[order.pk])
    clerk_page = client_for(network.staff[Role.FRONT_DESK]).get(url).text
    assert "138 1234 5678" in clerk_page and 'href="tel:+8613812345678"' in clerk_page and "漕溪北路" in clerk_page
    admin_page = client_for(network.staff[Role.ADMIN]).get(url).text
    assert "138****5678" in admin_page
    assert "1234 5678" not in admin_page and "漕溪北路" not in admin_page


def test_the_api_masks_the_same_way(network):
    order = _order_with_address(network)
    admin, clerk = APIClient(), APIClient()
    admin.force_authenticate(network.staff[Role.ADMIN])
    clerk.force_authenticate(network.staff[Role.HOTLINE])
    assert admin.get(reverse("api-customer-lookup"), {"q": "13812345678"}).json()[0]["phones"] == ["138****5678"]
    assert clerk.get(reverse("api-customer-lookup"), {"q": "13812345678"}).json()[0]["phones"] == ["+8613812345678"]
    detail = admin.get(reverse("api-work-order-detail", args=[order.pk])).json()
    assert detail["address"] == "上海市徐汇区****"
