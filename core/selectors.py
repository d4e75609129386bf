from django.db.models import Count, Prefetch, QuerySet

from core.models import ApiToken, Outlet, ServiceCentre, User
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


def api_tokens_of(user):
    """The user's API tokens, newest first (their first characters, never the token)."""
    return ApiToken.objects.filter(user=user).only("token_key", "name", "created", "expiry").order_by("-created")
