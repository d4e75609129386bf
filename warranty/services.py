"""Warranty actions: evaluate a case under the policy in force; fee schedules and quotes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import reference
from core.permissions import require_permission
from warranty.engine import Case, Decision, FaultType, InvalidCase, decide_best
from warranty.fees import Quote, QuoteError, Rates, ServiceType, quote
from warranty.lifecycle import FEE_SCHEDULE
from warranty.models import FeeSchedule, LabourRate, PartPrice, PolicyVersion, PublicHoliday, WarrantyPolicy


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
    policy = WarrantyPolicy.objects.select_related("national").filter(code=policy_code, is_active=True).first()
    return _decide(policy, case, today, policy_code=policy_code)


def policy_evaluate(*, policy: WarrantyPolicy, case: Case, today: date | None = None) -> Evaluation:
    """warranty_evaluate for a policy already at hand (a product category's): not read again."""
    return _decide(policy if policy.is_active else None, case, today, policy_code=policy.code)


def _decide(policy: WarrantyPolicy | None, case: Case, today: date | None, *, policy_code: str) -> Evaluation:
    _check_case(policy, case, today or timezone.localdate(), policy_code=policy_code)
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


def _check_case(policy: WarrantyPolicy | None, case: Case, today: date, *, policy_code: str) -> None:
    """Refuse a case the engine cannot decide: dates in the future, a policy that does not exist."""
    errors = {}
    if case.purchase_date and case.purchase_date > today:
        errors["purchase_date"] = _("The purchase date is in the future.")
    if case.fault_date > today:
        errors["fault_date"] = _("The fault date is in the future.")
    if policy is None:
        errors["policy"] = _("Unknown warranty policy “%(code)s”.") % {"code": policy_code}
    if errors:
        raise ValidationError(errors)


def _version_in_force(policy: WarrantyPolicy, on: date) -> PolicyVersion:
    versions = reference.remembered("policy-versions", _versions_by_policy).get(policy.pk)
    if not versions:
        raise ValidationError({"policy": _("The policy “%(code)s” has no terms yet.") % {"code": policy.code}})
    in_force = [v for v in versions if v.effective_from <= on]
    return in_force[-1] if in_force else versions[0]  # bought before the first version: the earliest terms


def _versions_by_policy() -> dict[int, list[PolicyVersion]]:
    """Every policy's versions, oldest first (a few per policy: kept whole by core.reference)."""
    versions = {}
    for version in PolicyVersion.objects.select_related("policy").order_by("policy_id", "effective_from"):
        versions.setdefault(version.policy_id, []).append(version)
    return versions


def _holidays(since: date) -> frozenset[date]:
    return frozenset(PublicHoliday.objects.filter(date__gte=since).values_list("date", flat=True))


# --- Fee schedules --------------------------------------------------------------------------


def _editable(schedule: FeeSchedule) -> FeeSchedule:
    """Lock the schedule row; refuse when work orders already use it."""
    schedule = FeeSchedule.objects.select_for_update().get(pk=schedule.pk)
    if not schedule.is_editable:
        raise ValidationError(
            _("This fee schedule is used by work orders and cannot change: publish a new version instead.")
        )
    return schedule


@transaction.atomic
def fee_schedule_create_draft(
    *, name: str, effective_from: date, copy_from: FeeSchedule | None = None, actor
) -> FeeSchedule:
    """A new draft version, starting as a copy of `copy_from` (usually the schedule in force)."""
    require_permission(actor, "warranty.add_feeschedule", system_may=True)
    draft = FeeSchedule(name=name, effective_from=effective_from, visit_fee=copy_from.visit_fee if copy_from else 0)
    if copy_from is not None:
        draft.software_free_months = copy_from.software_free_months
        draft.software_charged_after_months = copy_from.software_charged_after_months
    draft.full_clean()
    draft._history_user = actor
    draft.save()
    if copy_from is not None:
        LabourRate.objects.bulk_create(
            LabourRate(schedule=draft, category=r.category, service_type=r.service_type, amount=r.amount)
            for r in copy_from.labour_rates.all()
        )
        PartPrice.objects.bulk_create(
            PartPrice(schedule=draft, code=p.code, name=p.name, category=p.category, price=p.price)
            for p in copy_from.part_prices.all()
        )
    return draft


@transaction.atomic
def fee_schedule_update(
    *,
    schedule: FeeSchedule,
    name: str,
    effective_from: date,
    visit_fee: Decimal,
    labour: list[dict],
    name_en: str = "",
    parts: list[dict],
    software_free_months: int | None = None,
    software_charged_after_months: int | None = None,
    actor,
) -> FeeSchedule:
    """Replace a schedule's header, labour rates and part prices in one go (history keeps the old)."""
    require_permission(actor, "warranty.change_feeschedule", system_may=True)
    schedule = _editable(schedule)
    errors = {}
    labour_keys = [(row["category"], row["service_type"]) for row in labour]
    if len(labour_keys) != len(set(labour_keys)):
        errors["labour"] = _("Each product category and service type may appear only once.")
    part_codes = [row["code"] for row in parts]
    if len(part_codes) != len(set(part_codes)):
        errors["parts"] = _("Each part code may appear only once.")
    if visit_fee < 0:
        errors["visit_fee"] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    schedule.name, schedule.name_en = name, name_en
    schedule.effective_from, schedule.visit_fee = effective_from, visit_fee
    if software_free_months is not None:
        schedule.software_free_months = software_free_months
    if software_charged_after_months is not None:
        schedule.software_charged_after_months = software_charged_after_months
    schedule.full_clean()
    schedule._history_user = actor
    schedule.save()
    _replace_rows(
        {(r.category, r.service_type): r for r in schedule.labour_rates.all()},
        {(row["category"], row["service_type"]): row for row in labour},
        LabourRate,
        schedule,
        actor,
    )
    _replace_rows(
        {p.code: p for p in schedule.part_prices.all()},
        {row["code"]: row for row in parts},
        PartPrice,
        schedule,
        actor,
    )
    return schedule


def _replace_rows(existing: dict, wanted: dict, model, schedule, actor) -> None:
    """Delete, change and add rows one by one so each change lands in the row's history."""
    for key, row in existing.items():
        if key not in wanted:
            row._history_user = actor
            row.delete()
    for key, values in wanted.items():
        row = existing.get(key) or model(schedule=schedule)
        changed = row.pk is None or any(getattr(row, f) != v for f, v in values.items())
        if changed:
            for f, v in values.items():
                setattr(row, f, v)
            row.full_clean(exclude=["schedule"])
            row._history_user = actor
            row.save()


@transaction.atomic
def fee_schedule_publish(*, schedule: FeeSchedule, actor) -> FeeSchedule:
    """Put a draft in force from its effective date."""
    require_permission(actor, "warranty.change_feeschedule", system_may=True)
    schedule = _editable(schedule)
    if schedule.status == FeeSchedule.Status.PUBLISHED:
        raise ValidationError(_("This fee schedule is already published."))
    if not schedule.labour_rates.exists():
        raise ValidationError({"labour": _("A fee schedule needs at least one labour rate.")})
    if FeeSchedule.objects.filter(status=FeeSchedule.Status.PUBLISHED, effective_from=schedule.effective_from).exists():
        raise ValidationError({"effective_from": _("Another published schedule starts on that day.")})
    FEE_SCHEDULE.move(schedule, "publish")
    schedule.published_at, schedule.published_by = timezone.now(), actor
    schedule._history_user = actor
    schedule.save(update_fields=["status", "published_at", "published_by"])
    return schedule


def fee_schedule_mark_used(*, schedule: FeeSchedule) -> None:
    """Called when a work order stores a quote: from now on the version never changes."""
    FeeSchedule.objects.filter(pk=schedule.pk, in_use=False).update(in_use=True)


def schedule_in_force(on: date) -> FeeSchedule | None:
    return (
        FeeSchedule.objects.filter(status=FeeSchedule.Status.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def rates_of(schedule: FeeSchedule) -> Rates:
    parts = list(schedule.part_prices.all())
    return Rates(
        labour={(r.category, r.service_type): r.amount for r in schedule.labour_rates.all()},
        parts={p.code: (p.name, p.price) for p in parts},
        part_names_en={p.code: p.name_en for p in parts if p.name_en},
        visit_fee=schedule.visit_fee,
        software_free_months=schedule.software_free_months,
        software_charged_after_months=schedule.software_charged_after_months,
    )


@dataclass(frozen=True)
class QuoteResult:
    schedule: FeeSchedule
    quote: Quote


def quote_compute(
    *,
    category: str,
    service_type: str,
    parts=(),
    in_warranty: bool = False,
    onsite: bool = False,
    card_prices=None,
    installation_date: date | None = None,
    on: date | None = None,
) -> QuoteResult:
    """Quote a job from the schedule in force on `on` (today by default)."""
    on = on or timezone.localdate()
    schedule = schedule_in_force(on)
    if schedule is None:
        raise ValidationError(_("No fee schedule is in force on %(day)s.") % {"day": on})
    try:
        result = quote(
            rates=rates_of(schedule),
            category=category,
            service_type=ServiceType(service_type),
            parts=list(parts),
            in_warranty=in_warranty,
            onsite=onsite,
            card_prices=card_prices,
            installation_date=installation_date,
            service_date=on,
        )
    except QuoteError as exc:
        raise ValidationError({exc.field: str(exc)}) from None
    return QuoteResult(schedule=schedule, quote=result)


# --- Policies and holidays ------------------------------------------------------------------


@transaction.atomic
def policy_version_publish(*, policy: WarrantyPolicy, effective_from: date, actor, **terms) -> PolicyVersion:
    """New terms for a policy from a date on; earlier versions (and decisions made with them) stay."""
    require_permission(actor, "warranty.add_policyversion", system_may=True)
    WarrantyPolicy.objects.select_for_update().filter(pk=policy.pk).first()  # serialise publishers of one policy
    errors = {}
    if policy.versions.filter(effective_from=effective_from).exists():
        errors["effective_from"] = _("This policy already has a version starting on that day.")
    if terms["exchange_days"] < terms["return_days"]:
        errors["exchange_days"] = _("The exchange period cannot be shorter than the return period.")
    if errors:
        raise ValidationError(errors)
    version = PolicyVersion(policy=policy, effective_from=effective_from, created_by=actor, **terms)
    version.full_clean()
    version.save()
    return version


def holiday_add(*, day: date, name: str, actor) -> PublicHoliday:
    require_permission(actor, "warranty.add_publicholiday", system_may=True)
    if PublicHoliday.objects.filter(date=day).exists():
        raise ValidationError({"date": _("That day is already in the holiday calendar.")})
    holiday = PublicHoliday(date=day, name=name)
    holiday.full_clean()
    holiday.save()
    return holiday


def holiday_delete(*, holiday: PublicHoliday, actor) -> None:
    require_permission(actor, "warranty.delete_publicholiday", system_may=True)
    holiday.delete()
