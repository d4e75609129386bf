"""The one scoping function: every page, API endpoint and export limits its queryset with it.

Staff see their own outlets, centre staff every outlet of their centre, headquarters all.
The limit is a subquery, so scoping adds no query of its own.
"""

from django.db.models import Q, QuerySet

from core.models import Outlet, User


def visible_outlets(user) -> QuerySet[Outlet]:
    """The outlets whose work `user` may see and change."""
    if not user.is_authenticated or not user.is_active:
        return Outlet.objects.none()
    if user.is_superuser or user.is_headquarters:
        return Outlet.objects.all()
    condition = Q(pk__in=User.outlets.through.objects.filter(user_id=user.pk).values("outlet_id"))
    if user.centre_id:
        condition |= Q(centre_id=user.centre_id)
    return Outlet.objects.filter(condition)


def scope(queryset: QuerySet, user, *, outlet_field: str = "outlet") -> QuerySet:
    """Limit `queryset` to rows whose `outlet_field` is one of the user's visible outlets.

    Use `outlet_field="pk"` for the Outlet model itself. An id outside the scope then simply
    does not exist for the caller (404), never 403, so ids of other outlets do not leak.
    """
    lookup = "pk__in" if outlet_field == "pk" else f"{outlet_field}__in"
    return queryset.filter(**{lookup: visible_outlets(user).values("pk")})


def visible_staff(user) -> QuerySet[User]:
    """Staff a user may see: headquarters all; others those sharing a visible outlet or centre."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_superuser or user.is_headquarters:
        return User.objects.all()
    outlet_ids = visible_outlets(user).values("pk")
    condition = Q(pk=user.pk) | Q(outlets__in=outlet_ids)
    if user.centre_id:
        condition |= Q(centre_id=user.centre_id)
    return User.objects.filter(pk__in=User.objects.filter(condition).values("pk"))


def outlet_staff(outlet: Outlet, *, role: str) -> QuerySet[User]:
    """Active staff of a role who work at `outlet` or at its centre (headquarters not included)."""
    return User.objects.filter(
        Q(outlets=outlet) | Q(centre_id=outlet.centre_id),
        groups__name=role,
        is_active=True,
    ).distinct()
