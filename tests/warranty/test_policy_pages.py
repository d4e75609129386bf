import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.roles import Role
from warranty.models import PolicyVersion, PublicHoliday, WarrantyPolicy
from warranty.services import holiday_add, policy_version_publish

pytestmark = pytest.mark.django_db

TERMS = {
    "return_days": 7,
    "exchange_days": 30,
    "warranty_months": 24,
    "component_months": {"battery": 12},
    "repairs_before_exchange": 2,
    "parts_wait_limit_days": 60,
    "repairer_delay_limit_days": 30,
    "repair_guarantee_days": 30,
    "depreciation_rate_per_day": Decimal("0.005"),
    "no_proof_rule": "serial_date",
    "no_proof_grace_days": 90,
    "holiday_roll_over": False,
    "exchange_restarts_period": True,
}


def test_publishing_new_terms_keeps_the_old_version(network):
    policy = WarrantyPolicy.objects.get(code="phone")
    version = policy_version_publish(
        policy=policy, effective_from=dt.date(2027, 1, 1), actor=network.staff[Role.ADMIN], **TERMS
    )
    assert version.created_by == network.staff[Role.ADMIN]
    assert policy.versions.count() == 2
    assert policy.versions.get(effective_from=dt.date(2000, 1, 1)).warranty_months == 12


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"effective_from": dt.date(2000, 1, 1)}, "effective_from"), ({"exchange_days": 3}, "exchange_days")],
)
def test_bad_terms_name_the_field(network, changes, field):
    policy = WarrantyPolicy.objects.get(code="phone")
    args = {"effective_from": dt.date(2027, 1, 1), **TERMS, **changes}
    with pytest.raises(ValidationError) as exc:
        policy_version_publish(policy=policy, actor=network.staff[Role.ADMIN], **args)
    assert field in exc.value.message_dict
    assert policy.versions.count() == 1


def test_only_admins_publish_terms_and_edit_holidays(network):
    policy = WarrantyPolicy.objects.get(code="phone")
    with pytest.raises(PermissionDenied):
        policy_version_publish(
            policy=policy, effective_from=dt.date(2027, 1, 1), actor=network.staff[Role.SUPERVISOR], **TERMS
        )
    with pytest.raises(PermissionDenied):
        holiday_add(day=dt.date(2026, 10, 1), name="国庆节", actor=network.staff[Role.FRONT_DESK])


def test_admin_publishes_terms_in_the_browser_prefilled_from_the_current_ones(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    url = reverse("policy-version-create", args=["phone"])
    page = client.get(url)
    assert "battery=6, charger=12, headset=3" in page.text
    data = dict(page.context["form"].initial)
    data |= {"effective_from": "2027-01-01", "exchange_days": "30", "component_months": "battery=12，charger=12"}
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    newest = PolicyVersion.objects.filter(policy__code="phone").order_by("-effective_from").first()
    assert (newest.exchange_days, newest.component_months) == (30, {"battery": 12, "charger": 12})
    assert newest.exchange_restarts_period is True


def test_component_periods_in_a_wrong_shape_are_refused_next_to_the_field(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    url = reverse("policy-version-create", args=["phone"])
    data = dict(client.get(url).context["form"].initial) | {"component_months": "battery six"}
    response = client.post(url, {k: v for k, v in data.items() if v is not False})
    assert "component_months" in response.context["form"].errors
    assert 'value="battery six"' in response.text


def test_holiday_calendar_add_and_remove(network, client_for):
    client = client_for(network.staff[Role.ADMIN])
    client.post(reverse("holiday-list"), {"date": "2026-10-01", "name": "国庆节"})
    holiday = PublicHoliday.objects.get()
    duplicate = client.post(reverse("holiday-list"), {"date": "2026-10-01", "name": "again"})
    assert "date" in duplicate.context["form"].errors
    client.post(reverse("holiday-delete", args=[holiday.pk]))
    assert not PublicHoliday.objects.exists()


def test_non_admin_cannot_post_holidays(network, client_for):
    response = client_for(network.staff[Role.FRONT_DESK]).post(
        reverse("holiday-list"), {"date": "2026-10-01", "name": "x"}
    )
    assert response.status_code == 403
    assert not PublicHoliday.objects.exists()
