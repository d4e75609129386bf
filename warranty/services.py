"""Warranty actions: evaluate a case under the policy in force (and its national floor)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from warranty.engine import Case, Decision, FaultType, InvalidCase, decide_best
from warranty.models import PolicyVersion, PublicHoliday, WarrantyPolicy


@dataclass(frozen=True)
class Evaluation:
    decision: Decision
    version: PolicyVersion  # the version whose terms applied (stored with a work order's decision)
    national_version: PolicyVersion | None


def case_from(data: dict) -> Case:
    """The engine's Case from validated form or serializer data (which also names the policy)."""
    fields = {k: v for k, v in data.items() if k != "policy"}
    return Case(**{**fields, "fault_type": FaultType(fields["fault_type"])})


def warranty_evaluate(*, policy_code: str, case: Case, today: date | None = None) -> Evaluation:
    """Decide a case under the policy version in force when the product was bought.

    A brand policy is compared with its national policy and the customer gets the better.
    Bad input raises ValidationError naming the field, in the user's language.
    """
    today = today or timezone.localdate()
    errors = {}
    if case.purchase_date and case.purchase_date > today:
        errors["purchase_date"] = _("The purchase date is in the future.")
    if case.fault_date > today:
        errors["fault_date"] = _("The fault date is in the future.")
    policy = WarrantyPolicy.objects.select_related("national").filter(code=policy_code, is_active=True).first()
    if policy is None:
        errors["policy"] = _("Unknown warranty policy “%(code)s”.") % {"code": policy_code}
    if errors:
        raise ValidationError(errors)

    anchor = case.replacement_date or case.purchase_date or case.production_date or case.fault_date
    version = _version_in_force(policy, anchor)
    national_version = _version_in_force(policy.national, anchor) if policy.national else None
    versions = [v for v in (version, national_version) if v is not None]
    holidays = _holidays(anchor) if any(v.holiday_roll_over for v in versions) else ()
    try:
        decision = decide_best(case, [v.terms() for v in versions], holidays=holidays)
    except InvalidCase as exc:
        raise ValidationError({exc.field: str(exc)}) from None
    return Evaluation(decision=decision, version=version, national_version=national_version)


def _version_in_force(policy: WarrantyPolicy, on: date) -> PolicyVersion:
    version = policy.versions.filter(effective_from__lte=on).order_by("-effective_from").first()
    if version is None:  # bought before the first version: the earliest terms are the ones known
        version = policy.versions.order_by("effective_from").first()
    if version is None:
        raise ValidationError({"policy": _("The policy “%(code)s” has no terms yet.") % {"code": policy.code}})
    return version


def _holidays(since: date) -> frozenset[date]:
    return frozenset(PublicHoliday.objects.filter(date__gte=since).values_list("date", flat=True))
