"""Staff of outlet A cannot list, view, change or export outlet B's objects (browser and API)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Outlet
from core.roles import Role
from core.scoping import scope, visible_outlets, visible_staff

pytestmark = pytest.mark.django_db


def test_outlet_staff_see_only_their_outlets(network):
    assert set(visible_outlets(network.staff[Role.FRONT_DESK])) == {network.a1}


def test_centre_staff_see_every_outlet_of_their_centre(network):
    assert set(visible_outlets(network.staff[Role.SUPERVISOR])) == {network.a1, network.a2}


def test_headquarters_see_all_outlets(network):
    assert set(visible_outlets(network.staff[Role.ADMIN])) == {network.a1, network.a2, network.b1}


def test_inactive_user_sees_nothing(network):
    clerk = network.staff[Role.FRONT_DESK]
    clerk.is_active = False
    assert list(visible_outlets(clerk)) == []


def test_scope_filters_by_outlet_field(network):
    clerk = network.staff[Role.FRONT_DESK]
    assert list(scope(Outlet.objects.all(), clerk, outlet_field="pk")) == [network.a1]


def test_staff_visibility_follows_outlets(network):
    visible = set(visible_staff(network.staff[Role.SUPERVISOR]).values_list("username", flat=True))
    assert visible == {"fd", "hl", "dp", "en", "sv"}


def test_browser_list_hides_other_outlets(network, client_for):
    response = client_for(network.staff[Role.FRONT_DESK]).get(reverse("outlet-list"))
    assert response.status_code == 200
    assert network.a1.name in response.text
    assert network.b1.name not in response.text
    assert network.a2.name not in response.text


@pytest.mark.parametrize("url_name", ["outlet-detail", "outlet-edit"])
def test_browser_other_outlet_by_id_is_404(url_name, network, client_for):
    # The supervisor of centre A and an outlet clerk alike: B's outlet does not exist for them.
    for role in (Role.FRONT_DESK, Role.SUPERVISOR):
        response = client_for(network.staff[role]).get(reverse(url_name, args=[network.b1.pk]))
        assert response.status_code in (403, 404)
        if url_name == "outlet-detail":
            assert response.status_code == 404


def test_centre_admin_cannot_edit_other_centre_outlet(network, client_for):
    from tests.factories import UserFactory

    centre_admin = UserFactory(role=Role.ADMIN, centre=network.centre_a)
    client = client_for(centre_admin)
    assert client.get(reverse("outlet-edit", args=[network.b1.pk])).status_code == 404
    response = client.post(
        reverse("outlet-edit", args=[network.b1.pk]),
        {"code": "b1", "name": "改名", "centre": network.centre_b.pk, "is_active": "on"},
    )
    assert response.status_code == 404
    network.b1.refresh_from_db()
    assert network.b1.name == "天河网点"


def test_staff_of_other_centre_is_404(network, client_for):
    from tests.factories import UserFactory

    other = UserFactory(role=Role.FRONT_DESK, outlets=[network.b1])
    response = client_for(network.staff[Role.SUPERVISOR]).get(reverse("staff-detail", args=[other.pk]))
    assert response.status_code == 404


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_list_hides_other_outlets(network):
    response = _api(network.staff[Role.FRONT_DESK]).get(reverse("api-outlet-list"))
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["a1"]


def test_api_other_outlet_by_id_is_404_for_read_and_write(network):
    client = _api(network.staff[Role.FRONT_DESK])
    assert client.get(reverse("api-outlet-detail", args=[network.b1.pk])).status_code == 404
    from tests.factories import UserFactory

    centre_admin = UserFactory(role=Role.ADMIN, centre=network.centre_a)
    response = _api(centre_admin).put(
        reverse("api-outlet-detail", args=[network.b1.pk]),
        {"code": "b1", "name": "改名", "centre": network.centre_b.pk},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_api_create_outlet_in_other_centre_is_refused(network):
    from tests.factories import UserFactory

    centre_admin = UserFactory(role=Role.ADMIN, centre=network.centre_a)
    response = _api(centre_admin).post(
        reverse("api-outlet-list"), {"code": "b9", "name": "新网点", "centre": network.centre_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "centre" in response.json()["error"]["fields"]
    assert not Outlet.objects.filter(code="b9").exists()
