"""The evaluate service, its API endpoint and the browser check page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.roles import Role
from warranty.engine import Case, Option
from warranty.models import PolicyVersion, PublicHoliday, WarrantyPolicy
from warranty.services import warranty_evaluate

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def test_seeded_policies_match_the_national_table():
    rows = {
        v.policy.code: (
            v.return_days,
            v.exchange_days,
            v.warranty_months,
            v.parts_wait_limit_days,
            v.depreciation_rate_per_day,
        )
        for v in PolicyVersion.objects.select_related("policy")
    }
    assert rows["phone"] == (7, 15, 12, 60, Decimal("0.00500"))
    assert rows["phone-brand-30d"] == (7, 30, 12, 60, Decimal("0.00500"))
    assert rows["refrigerator"] == (7, 15, 12, 90, Decimal("0.00050"))
    assert len(rows) == 8
    phone = PolicyVersion.objects.get(policy__code="phone")
    assert phone.component_months == {"battery": 6, "charger": 12, "headset": 3}
    assert phone.no_proof_rule == "serial_date"
    tv = PolicyVersion.objects.get(policy__code="tv")  # appliances too count from the barcode's date (0005)
    assert (tv.no_proof_rule, tv.no_proof_grace_days) == ("serial_date", 90)


def test_the_version_in_force_at_purchase_applies_and_is_reported():
    policy = WarrantyPolicy.objects.get(code="phone")
    old = policy.versions.get()
    newer = PolicyVersion.objects.create(
        **{
            f.name: getattr(old, f.name)
            for f in PolicyVersion._meta.concrete_fields
            if f.name not in ("id", "created_at")
        }
        | {"effective_from": dt.date(2026, 6, 1), "exchange_days": 20}
    )
    before = warranty_evaluate(
        policy_code="phone", case=Case(purchase_date=dt.date(2026, 5, 1), fault_date=dt.date(2026, 5, 19)), today=TODAY
    )
    after = warranty_evaluate(
        policy_code="phone", case=Case(purchase_date=dt.date(2026, 6, 1), fault_date=dt.date(2026, 6, 19)), today=TODAY
    )
    assert before.version == old and before.decision.options == (Option.FREE_REPAIR,)
    assert after.version == newer and after.decision.options == (Option.EXCHANGE, Option.FREE_REPAIR)


def test_brand_policy_is_never_worse_than_the_national_one():
    case = Case(purchase_date=dt.date(2026, 5, 1), fault_date=dt.date(2026, 5, 25))
    evaluation = warranty_evaluate(policy_code="phone-brand-30d", case=case, today=TODAY)
    assert evaluation.decision.options == (Option.EXCHANGE, Option.FREE_REPAIR)
    assert evaluation.national_version.policy.code == "phone"


def test_holiday_calendar_is_used_when_the_policy_rolls_over():
    PolicyVersion.objects.filter(policy__code="tv").update(holiday_roll_over=True)
    PublicHoliday.objects.create(date=dt.date(2026, 10, 1), name="国庆节")
    case = Case(purchase_date=dt.date(2025, 10, 1), fault_date=dt.date(2026, 10, 2))
    assert warranty_evaluate(policy_code="tv", case=case, today=TODAY).decision.options == (Option.FREE_REPAIR,)


@pytest.mark.parametrize(
    ("policy", "case", "field"),
    [
        ("nope", Case(purchase_date=dt.date(2026, 1, 1), fault_date=dt.date(2026, 2, 1)), "policy"),
        ("phone", Case(purchase_date=dt.date(2026, 12, 1), fault_date=dt.date(2026, 12, 2)), "purchase_date"),
        ("phone", Case(purchase_date=dt.date(2026, 2, 1), fault_date=dt.date(2026, 1, 1)), "fault_date"),
    ],
)
def test_bad_input_names_the_field(policy, case, field):
    with pytest.raises(ValidationError) as exc:
        warranty_evaluate(policy_code=policy, case=case, today=TODAY)
    assert field in exc.value.message_dict


def _api(network):
    client = APIClient()
    client.force_authenticate(network.staff[Role.ENGINEER])
    return client


def test_api_evaluate_answers_options_reasons_and_dates(network):
    response = _api(network).post(
        reverse("api-warranty-evaluate"),
        {
            "policy": "phone",
            "purchase_date": "2026-03-10",
            "fault_date": "2026-06-18",
            "prior_repairs": 2,
            "price": "1000.00",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["options"] == ["return", "exchange", "free_repair"]
    assert body["return_terms"] == "less_depreciation"
    assert body["depreciation_fee"] == "500.00"
    assert body["warranty_end"] == "2027-03-10"
    assert body["return_until"] == "2026-03-17"
    assert body["exchange_until"] == "2026-03-25"
    assert [r["code"] for r in body["reasons"]] == ["within_warranty", "repaired_twice"]
    assert all(r["text"] for r in body["reasons"])
    assert body["policy_version"]["code"] == "phone"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"policy": "nope", "purchase_date": "2026-01-01", "fault_date": "2026-02-01"}, {"policy"}),
        (
            {"policy": "phone", "purchase_date": "2099-01-01", "fault_date": "2099-01-02"},
            {"purchase_date", "fault_date"},
        ),
        ({"policy": "phone", "purchase_date": "2026-02-01", "fault_date": "2026-01-01"}, {"fault_date"}),
        (
            {"policy": "phone", "fault_date": "2026-01-01", "prior_repairs": -1, "price": "-5"},
            {"prior_repairs", "price"},
        ),
        ({"policy": "phone", "fault_date": "2026-01-01", "fault_type": "dropped"}, {"fault_type"}),
        ({"policy": "phone", "fault_date": "yesterday"}, {"fault_date"}),
    ],
)
def test_api_bad_input_is_400_with_field_messages(network, payload, fields):
    response = _api(network).post(reverse("api-warranty-evaluate"), payload, format="json")
    assert response.status_code == 400
    assert fields <= set(response.json()["error"]["fields"])


def test_api_policies_lists_versions_in_constant_queries(network, django_assert_num_queries):
    client = _api(network)
    # permissions, outlets, groups (then in the cache), policies (+ national), versions
    with django_assert_num_queries(5):
        response = client.get(reverse("api-warranty-policies"))
    assert len(response.json()) == 8


def test_check_page_shows_options_and_reasons(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    response = client.post(
        reverse("warranty-check"),
        {
            "policy": "phone",
            "purchase_date": "2026-03-10",
            "has_proof": "on",
            "fault_date": "2026-03-14",
            "fault_type": "performance",
            "component": "whole",
            "prior_repairs": 0,
            "parts_wait_days": 0,
            "repairer_days": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["evaluation"].decision.options == (Option.RETURN, Option.EXCHANGE, Option.FREE_REPAIR)
    assert 'data-option="return"' in response.text
    assert 'data-code="within_return_window"' in response.text


def test_check_page_htmx_returns_the_fragment_and_errors_next_to_fields(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    response = client.post(
        reverse("warranty-check"),
        {
            "policy": "phone",
            "purchase_date": "2026-03-10",
            "fault_date": "2026-03-01",
            "fault_type": "performance",
            "component": "whole",
            "prior_repairs": 0,
            "parts_wait_days": 0,
            "repairer_days": 0,
        },
        HTTP_HX_REQUEST="true",
    )
    assert "<html" not in response.text
    assert "fault_date" in response.context["form"].errors
    assert 'data-field="fault_date"' in response.text
    assert 'value="2026-03-10"' in response.text


def test_admin_publishes_versions_but_cannot_edit_a_published_one(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    version = PolicyVersion.objects.get(policy__code="phone")
    assert client.get(reverse("admin:warranty_policyversion_add")).status_code == 200
    page = client.get(reverse("admin:warranty_policyversion_change", args=[version.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.text  # view only
    response = client.post(reverse("admin:warranty_policyversion_change", args=[version.pk]), {"return_days": 99})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.return_days == 7


def test_policy_page_shows_component_periods_translated(network, client_for):
    page = client_for(network.staff[Role.FRONT_DESK]).get(reverse("warranty-policies"))
    assert "压缩机 36 个月" in page.text
    assert "电池 6 个月" in page.text
