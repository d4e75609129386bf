from django.db.models import Count, Prefetch, QuerySet

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
