"""The OpenAPI schema matches what the API answers (issue 20, item 10): a valid OpenAPI 3 document
(openapi-spec-validator), every error documented in the one error shape, and real answers of the main
endpoints valid against the schema's own description of them (nullable fields marked)."""

import pytest
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from complaints.services import case_open, feedback_record
from core.roles import Role
from dispatch.models import EngineerProfile
from tests.dispatch.factories import booked, onsite_order
from tests.workorders.factories import walk_in_order
from workorders.services import message_slip_take

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spec():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_a_valid_openapi_document(spec):
    validate(spec)


def test_every_operation_documents_its_errors_in_the_error_shape(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            errors = {code: answer for code, answer in operation["responses"].items() if code.startswith(("4", "5"))}
            assert "500" in errors and "429" in errors, (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)
            for answer in errors.values():
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def _schema_path(url: str) -> str:
    """The schema's path for a URL: its parameters as {name}."""
    match = resolve(url)
    path = url
    for name, value in match.kwargs.items():
        path = path.replace(f"/{value}/", f"/{{{name if name != 'pk' else 'id'}}}/", 1)
    return path


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema says it (a null type, or null beside a reference)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _check(spec, response, url: str, method: str = "get"):
    assert response.status_code < 300, response.content[:300]
    operation = spec["paths"][_schema_path(url)][method]
    schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(_json_schema({**schema, "components": spec["components"]}))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
    assert errors == [], f"{method.upper()} {url}: " + "; ".join(errors)


def test_real_answers_match_the_schema(network, spec):
    hotline, dispatcher = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER]
    walk_in = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    case = case_open(
        outlet=network.a1,
        customer=walk_in.customer,
        category="attitude",
        severity="low",
        description="态度差",
        work_order=walk_in,
        actor=hotline,
    )
    feedback_record(
        outlet=network.a1,
        type="suggestion",
        channel="hotline",
        text="希望周末上门",
        department="service",
        actor=hotline,
    )
    message_slip_take(
        outlet=network.a1,
        caller_name="刘先生",
        caller_phone="13900001111",
        message="请回电",
        recipient_role="hotline",
        actor=hotline,
    )
    order = onsite_order(hotline, network.a1)
    EngineerProfile.objects.get_or_create(user=network.staff[Role.ENGINEER])
    appointment = booked(order, network.staff[Role.ENGINEER], dispatcher)
    client = APIClient()
    client.force_authenticate(hotline)
    assert all(client.get(reverse(name)).json()["results"] for name in ("api-complaint-list", "api-feedback-list"))

    for url in [
        reverse("api-me"),
        reverse("api-outlet-list"),
        reverse("api-work-order-list"),
        reverse("api-work-order-detail", args=[order.pk]),
        reverse("api-work-order-detail", args=[walk_in.pk]),
        reverse("api-callback-list"),
        reverse("api-complaint-list"),
        reverse("api-feedback-list"),
        reverse("api-message-slip-list"),
        reverse("api-warranty-policies"),
        reverse("api-appointment-list"),
        reverse("api-appointment-detail", args=[appointment.pk]),
        reverse("api-complaint-detail", args=[case.pk]),
        reverse("api-call-list"),
        reverse("api-product-categories"),
        reverse("api-reconciliation"),
        reverse("api-part-list"),
        reverse("api-loaner-list"),
        reverse("api-requisition-list"),
        reverse("api-fee-schedule-list"),
    ]:
        _check(spec, client.get(url), url)

    client.force_authenticate(dispatcher)
    for url in [reverse("api-dispatch-board"), reverse("api-dispatch-queue"), reverse("api-engineer-list")]:
        _check(spec, client.get(url), url)
    client.force_authenticate(network.staff[Role.SUPERVISOR])
    for url in [reverse("api-waiver-list"), reverse("api-centre-list")]:
        _check(spec, client.get(url), url)
