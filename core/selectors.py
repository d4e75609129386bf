from django.db.models import Count, Prefetch, QuerySet

from core.models import Outlet, ServiceCentre, User
from core.scoping import scope, visible_staff


def outlet_list(*, user) -> QuerySet[Outlet]:
    return scope(Outlet.objects.select_related("centre"), user, outlet_field="pk").annotate(
        staff_count=Count("staff", distinct=True)
    )


def staff_list(*, user) -> QuerySet[User]:
    return (
        visible_staff(user)
        .select_related("centre")
        .prefetch_related("groups", Prefetch("outlets", queryset=Outlet.objects.only("id", "name")))
    )


def centre_list() -> QuerySet[ServiceCentre]:
    return ServiceCentre.objects.annotate(outlet_count=Count("outlets"))
