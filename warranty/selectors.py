from datetime import date

from django.db.models import Count, Prefetch, QuerySet

from core import reference
from warranty.models import FeeSchedule, LabourRate, PartPrice, PolicyVersion, WarrantyPolicy


def policy_list() -> QuerySet[WarrantyPolicy]:
    return (
        WarrantyPolicy.objects.select_related("national")
        .prefetch_related(Prefetch("versions", queryset=PolicyVersion.objects.order_by("-effective_from")))
        .order_by("code")
    )


def fee_schedule_list(*, user) -> QuerySet[FeeSchedule]:
    """Published versions for every role; drafts only for those who may edit schedules."""
    schedules = FeeSchedule.objects.select_related("published_by").annotate(
        labour_count=Count("labour_rates", distinct=True), part_count=Count("part_prices", distinct=True)
    )
    if not user.has_perm("warranty.change_feeschedule"):
        schedules = schedules.filter(status=FeeSchedule.Status.PUBLISHED)
    return schedules.order_by("-effective_from", "-id")


def fee_schedule_with_rates(*, user) -> QuerySet[FeeSchedule]:
    """For one schedule's page: its labour rates and part prices in two more queries."""
    return fee_schedule_list(user=user).prefetch_related(
        Prefetch("labour_rates", queryset=LabourRate.objects.order_by("category", "service_type")),
        Prefetch("part_prices", queryset=PartPrice.objects.order_by("category", "code")),
    )


def category_names() -> dict[str, str]:
    """{product category code: its name in the reader's language}, from the whole-category policies (the
    categories the 三包 rules and fee schedules know), kept with the other reference data."""
    policies = reference.remembered(
        "category-policies", lambda: list(WarrantyPolicy.objects.filter(brand="", is_active=True).order_by("code"))
    )
    return {policy.category: policy.label for policy in policies}


def category_choices(blank: bool = False) -> list[tuple[str, str]]:
    """The categories as a form offers them: by name, the code submitted."""
    choices = sorted(category_names().items(), key=lambda item: item[1])
    return [("", "---------"), *choices] if blank else choices


def parts_in_force(on: date) -> list[PartPrice]:
    """The parts the fee schedule in force on `on` prices, by name (one query)."""
    in_force = (
        FeeSchedule.objects.filter(status=FeeSchedule.Status.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from")
        .values("pk")[:1]
    )
    return list(PartPrice.objects.filter(schedule__in=in_force).order_by("name"))


def part_codes_by_name(parts) -> dict[str, str]:
    """{a part's code, name, or English name in lower case: its code} of `parts` (PartPrice or Part rows):
    what a person may type for a part."""
    codes = {}
    for part in parts:
        for key in (part.code, part.name, part.name_en.casefold()):
            if key:
                codes.setdefault(key, part.code)
    return codes
