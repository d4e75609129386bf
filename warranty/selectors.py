from django.db.models import Prefetch, QuerySet

from warranty.models import PolicyVersion, WarrantyPolicy


def policy_list() -> QuerySet[WarrantyPolicy]:
    return (
        WarrantyPolicy.objects.select_related("national")
        .prefetch_related(Prefetch("versions", queryset=PolicyVersion.objects.order_by("-effective_from")))
        .order_by("code")
    )
