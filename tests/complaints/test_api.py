import pytest
from django.urls import reverse

from complaints.models import Remedy
from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db


def test_cases_steps_remedies_and_approvals_over_the_api(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    clerk = client_for(network.staff[Role.HOTLINE])
    opened = clerk.post(
        reverse("api-complaint-list"),
        {"work_order": order.pk, "category": "repair_quality", "severity": "high", "description": "修了又坏"},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["handler"] == str(network.staff[Role.SUPERVISOR])  # a supervisor owns it, not the clerk
    assert case["escalated_at"] and case["steps"][0]["step"] == "escalation"  # high severity: at once
    step = clerk.post(
        reverse("api-complaint-action", args=[case["id"], "steps"]),
        {"step": "apology", "notes": "已道歉"},
        content_type="application/json",
    )
    assert step.json()["first_contact_at"]
    offered = clerk.post(
        reverse("api-complaint-action", args=[case["id"], "remedies"]),
        {"kind": "exchange", "amount": "900.00"},
        content_type="application/json",
    ).json()["remedies"][0]
    assert offered["status"] == Remedy.Status.AWAITING_APPROVAL
    refused = clerk.post(
        reverse("api-remedy-decision", args=[offered["id"]]), {"approve": True}, content_type="application/json"
    )
    assert refused.status_code == 403  # a clerk may not approve
    supervisor = client_for(network.staff[Role.SUPERVISOR])
    decided = supervisor.post(
        reverse("api-remedy-decision", args=[offered["id"]]), {"approve": True}, content_type="application/json"
    )
    assert decided.json()["status"] == "approved"
    stranger = client_for(UserFactory(role=Role.HOTLINE, outlets=[network.b1]))
    assert stranger.get(reverse("api-complaint-detail", args=[case["id"]])).status_code == 404


def test_feedback_over_the_api(network, client_for):
    clerk = client_for(network.staff[Role.HOTLINE])
    made = clerk.post(
        reverse("api-feedback-list"),
        {
            "outlet": network.a1.pk,
            "type": "praise",
            "channel": "hotline",
            "text": "好",
            "praised_staff": network.staff[Role.ENGINEER].pk,
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    missing = clerk.post(
        reverse("api-feedback-list"),
        {"outlet": network.a1.pk, "type": "suggestion", "channel": "hotline", "text": "建议"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "department" in missing.json()["error"]["fields"]
    assert [f["type"] for f in clerk.get(reverse("api-feedback-list")).json()["results"]] == ["praise"]


def test_asking_for_the_confirmation_call_over_the_api(network, client_for):
    from tests.complaints.test_closure import _call, _remedy_agreed
    from tests.complaints.test_services import _case

    case = _case(network)
    clerk = client_for(network.staff[Role.HOTLINE])
    url = reverse("api-complaint-action", args=[case.pk, "confirmation"])
    early = clerk.post(url, {"lessons": "试机"}, content_type="application/json")
    assert early.status_code == 400
    _remedy_agreed(network, case)
    assert clerk.post(url, {}, content_type="application/json").json()["error"]["fields"]["lessons"]
    no_finding = clerk.post(url, {"lessons": "试机"}, content_type="application/json")
    assert no_finding.json()["error"]["fields"]["responsibility"]  # who was at fault is part of the finding
    asked = clerk.post(url, {"lessons": "试机", "responsibility": "outlet"}, content_type="application/json").json()
    assert asked["responsibility"] == "outlet"
    assert asked["status"] == "awaiting_confirmation" and asked["confirmation_callback_status"] == "scheduled"
    case.refresh_from_db()
    _call(case.confirmation_callback, "satisfied", network.staff[Role.HOTLINE])
    closed = clerk.get(reverse("api-complaint-detail", args=[case.pk])).json()
    assert closed["status"] == "closed" and closed["steps"][-1]["step"] == "satisfaction"
