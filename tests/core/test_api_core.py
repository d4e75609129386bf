import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Outlet
from core.roles import Role
from tests.factories import PASSWORD, OutletFactory

pytestmark = pytest.mark.django_db


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_token_exchange_and_use(network):
    response = APIClient().post(reverse("api-token"), {"username": "fd", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(reverse("api-me")).json()
    assert me["username"] == "fd"
    assert me["role"] == "front_desk"
    assert me["outlet_ids"] == [network.a1.pk]


def test_token_exchange_with_bad_credentials_has_the_error_shape(network):
    response = APIClient().post(reverse("api-token"), {"username": "fd", "password": "nope"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert error["message"]


def test_missing_fields_are_named(network):
    response = APIClient().post(reverse("api-token"), {}, format="json")
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


def test_anonymous_gets_401_in_the_error_shape():
    response = APIClient().get(reverse("api-outlet-list"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_admin_creates_outlet_and_bad_input_gets_field_messages(network):
    client = _api(network.staff[Role.ADMIN])
    bad = client.post(reverse("api-outlet-list"), {"code": "bad code!", "name": "", "phone": "123"}, format="json")
    assert bad.status_code == 400
    assert {"code", "name", "centre", "phone"} <= set(bad.json()["error"]["fields"])
    good = client.post(
        reverse("api-outlet-list"),
        {"code": "a9", "name": "闵行网点", "centre": network.centre_a.pk, "phone": "021-64871234"},
        format="json",
    )
    assert good.status_code == 201, good.content
    assert good.json()["phone"] == "+862164871234"
    dup = client.post(reverse("api-outlet-list"), {"code": "a9", "name": "x", "centre": network.centre_a.pk})
    assert dup.status_code == 400
    assert "code" in dup.json()["error"]["fields"]


def test_non_admin_cannot_create_outlet(network):
    response = _api(network.staff[Role.FRONT_DESK]).post(
        reverse("api-outlet-list"), {"code": "z1", "name": "x", "centre": network.centre_a.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Outlet.objects.filter(code="z1").exists()


def test_outlet_list_paginates_by_cursor(network):
    for i in range(7):
        OutletFactory(code=f"zz{i}", centre=network.centre_a)
    client = _api(network.staff[Role.ADMIN])
    first = client.get(reverse("api-outlet-list"), {"page_size": 4}).json()
    assert len(first["results"]) == 4 and first["next"]
    second = client.get(first["next"]).json()
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert len(codes) == len(set(codes)) == 8


def test_schema_and_docs_are_served(network):
    client = _api(network.staff[Role.FRONT_DESK])
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/outlets/" in schema.json()["paths"]
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


@pytest.mark.parametrize("rows", [3, 30])
def test_outlet_list_endpoint_query_count_is_constant(rows, network, django_assert_num_queries):
    for i in range(rows):
        OutletFactory(code=f"q{i}", centre=network.centre_a)
    client = _api(network.staff[Role.ADMIN])
    with django_assert_num_queries(3):  # permissions, outlets (then kept in the cache), the page of outlets
        response = client.get(reverse("api-outlet-list"))
    assert response.status_code == 200


def test_the_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/work-orders/" in (tmp_path / "schema.yml").read_text()
