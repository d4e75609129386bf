import datetime as dt
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from core import authentication
from core.authentication import ApiTokenAuthentication
from core.models import ApiToken, Outlet, User
from core.roles import Role
from core.services import api_token_create
from tests.core.test_scheduler import ROOT
from tests.factories import PASSWORD, OutletFactory, UserFactory

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
    # permissions, outlets, groups (then kept in the cache), the page of outlets
    with django_assert_num_queries(4):
        response = client.get(reverse("api-outlet-list"))
    assert response.status_code == 200


def test_the_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/work-orders/" in (tmp_path / "schema.yml").read_text()


# Issue 20, item 11: tokens stored hashed, expiring, revocable; throttles; lockout per client.


def test_a_token_is_stored_as_a_hash_and_expires(network, settings):
    response = APIClient().post(
        reverse("api-token"), {"username": "fd", "password": PASSWORD, "name": "ERP", "days": 7}, format="json"
    )

    token = response.json()["token"]
    stored = ApiToken.objects.get()
    assert (
        stored.name == "ERP" and token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)
    )
    assert dt.timedelta(days=6, hours=23) < stored.expiry - timezone.now() <= dt.timedelta(days=7)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("api-me")).status_code == 200
    ApiToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("api-me")).status_code == 401


def test_a_token_is_read_with_its_user_in_one_query_and_only_a_whole_live_token_of_an_active_user_counts(
    network, django_assert_num_queries
):
    user = network.staff[Role.HOTLINE]
    stored, token = api_token_create(user=user, name="ERP")
    _other, other_token = api_token_create(user=network.staff[Role.FRONT_DESK])
    reader = ApiTokenAuthentication()

    def authenticate(header: bytes):
        return reader.authenticate(APIRequestFactory().get("/", HTTP_AUTHORIZATION=header))

    with django_assert_num_queries(1):
        found_user, found_token = authenticate(f"Token {token}".encode())
    # The same values, of the same types, as the ORM reads (its converters applied: a phone, aware datetimes).
    for found, model in ((found_user, User), (found_token, ApiToken)):
        read = model.objects.get(pk=found.pk)
        values = [(f.attname, getattr(found, f.attname)) for f in model._meta.concrete_fields]
        assert values == [(f.attname, getattr(read, f.attname)) for f in model._meta.concrete_fields]
        assert [type(v) for _n, v in values] == [type(getattr(read, f.attname)) for f in model._meta.concrete_fields]
    assert found_user == user and found_token.pk == stored.pk and found_token.user is found_user
    forged = token[: CONSTANTS.TOKEN_KEY_LENGTH] + other_token[CONSTANTS.TOKEN_KEY_LENGTH :]  # the key, not the rest
    for bad in (f"Token {forged}".encode(), b"Token \xff\xfe", f"Token {token[:-1]}".encode()):
        with pytest.raises(AuthenticationFailed):
            authenticate(bad)
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed):
        authenticate(f"Token {token}".encode())
    User.objects.filter(pk=user.pk).update(is_active=True)
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(AuthenticationFailed):
        authenticate(f"Token {token}".encode())


def test_the_token_read_converts_values_as_the_orm_does(network, monkeypatch):
    # SQLite (the embedded default) gives datetimes without a zone and booleans as 0/1; the backend's
    # converters make them what a model holds. On PostgreSQL the only one here (a phone parsed) gives what the
    # field's own descriptor would, so one that shows is made up.
    _stored, token = api_token_create(user=network.staff[Role.HOTLINE], name="erp")
    own = connection.ops.get_db_converters

    def with_one_more(expression):
        shout = [lambda value, expression, connection: value.upper()]
        return own(expression) + (shout if expression.target is ApiToken._meta.get_field("name") else [])

    monkeypatch.setattr(connection.ops, "get_db_converters", with_one_more)
    authentication._token_query.cache_clear()
    try:
        _user, found = ApiTokenAuthentication().authenticate(
            APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token}")
        )
    finally:
        authentication._token_query.cache_clear()
    assert found.name == "ERP"


def test_a_token_revoked_by_logout_no_longer_works(network):
    token = APIClient().post(reverse("api-token"), {"username": "fd", "password": PASSWORD}, format="json").json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")

    assert client.post(reverse("api-token-revoke")).status_code == 204

    assert client.get(reverse("api-me")).status_code == 401 and not ApiToken.objects.exists()


def test_the_tokens_page_makes_shows_once_and_revokes_ones_own_tokens(network, client_for):
    other, _text = api_token_create(user=network.staff[Role.HOTLINE], name="theirs")
    client = client_for(network.staff[Role.FRONT_DESK])

    made = client.post(reverse("api-tokens"), {"name": "报表脚本", "days": 30})
    token = ApiToken.objects.get(user=network.staff[Role.FRONT_DESK])
    page = client.get(reverse("api-tokens"))
    client.post(reverse("api-token-revoke-page"), {"key": other.token_key})  # not theirs: nothing happens
    client.post(reverse("api-token-revoke-page"), {"key": token.token_key})

    assert made.status_code == 200 and made.context["new_token"].startswith(token.token_key)
    assert "报表脚本" in page.text and made.context["new_token"] not in page.text and "theirs" not in page.text
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["theirs"]
    assert client.post(reverse("api-tokens"), {"name": "x", "days": 400}).context["form"].errors["days"]


def test_api_requests_are_throttled_per_user_and_per_address(network, settings):
    settings.API_THROTTLE_RATES = {"user": "3/minute", "anon": "2/minute"}
    user = UserFactory(role=Role.FRONT_DESK, outlets=[network.a1])
    # The counts live in the cache, which outlives a test database: a run a minute earlier had the same ids.
    cache.delete_many([f"throttle_user_{user.pk}", "throttle_user_192.0.2.44", "throttle_anon_192.0.2.44"])
    client = _api(user)
    answers = [client.get(reverse("api-me")).status_code for _ in range(4)]
    anonymous = [
        APIClient().post(reverse("api-token"), {}, format="json", REMOTE_ADDR="192.0.2.44").status_code
        for _ in range(3)
    ]

    assert answers == [200, 200, 200, 429] and anonymous == [400, 400, 429]
    throttled = client.get(reverse("api-me"))
    assert throttled.json()["error"]["code"] == "throttled" and int(throttled["Retry-After"]) > 0


def test_failed_api_logins_lock_that_client_not_the_persons_browser(network, settings):
    script = APIClient(HTTP_USER_AGENT="erp-sync/1.0")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        script.post(reverse("api-token"), {"username": "fd", "password": "wrong"}, format="json")

    locked = script.post(reverse("api-token"), {"username": "fd", "password": PASSWORD}, format="json")
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 Chrome/156").post(
        reverse("login"), {"username": "fd", "password": PASSWORD}
    )

    assert locked.status_code == 429
    assert browser.status_code == 302  # logged in


@pytest.mark.parametrize(
    "setting",
    [
        "DEFAULT_PAGINATION_CLASS",
        "DEFAULT_PARSER_CLASSES",
        "DEFAULT_AUTHENTICATION_CLASSES",
        "DEFAULT_THROTTLE_CLASSES",
        "EXCEPTION_HANDLER",
    ],
)
def test_drf_imports_each_class_named_in_settings_whichever_it_reads_first(setting):
    # A fresh interpreter, as `manage.py check` on a new machine: the first setting read may not import a
    # module that imports DRF's views (which read the parser and authentication settings as they load).
    code = (
        "import django; django.setup(); from rest_framework.settings import api_settings; "
        f"getattr(api_settings, {setting!r}); import rest_framework.views"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_tokens_page_runs_a_constant_number_of_queries(network, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = network.staff[Role.FRONT_DESK]
    client = client_for(user)
    api_token_create(user=user, name="one")
    client.get(reverse("api-tokens"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("api-tokens"))
    for n in range(5):
        api_token_create(user=user, name=f"more {n}")
    with CaptureQueriesContext(connection) as six:
        page = client.get(reverse("api-tokens"))

    assert len(six) == len(one) and page.text.count("more ") == 5
