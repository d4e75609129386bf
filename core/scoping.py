"""The one scoping function: every page, API endpoint and export limits its queryset with it.

Staff see their own outlets, centre staff every outlet of their centre, headquarters all.

The user's outlets are read once per user object, kept in the cache with their permissions
(core.permissions: no query on most requests), and given to the database as a list. As a subquery
(the user's outlets OR their centre's) the limit cost no query of its own, but PostgreSQL planned it
as a semi-join, 5-10 ms of planning on every list, and on large tables sometimes joined a whole
network-wide backlog before narrowing it (BENCHMARKS.md).
"""

from django.db.models import Q, QuerySet

from core import reference
from core.models import Outlet, User
from core.permissions import access


def _sees_everything(user) -> bool:
    return user.is_superuser or user.is_headquarters


def visible_outlet_ids(user) -> list[int] | None:
    """Ids of the outlets whose work `user` may see and change; None means every outlet (headquarters)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if _sees_everything(user):
        return None
    return list(access(user).outlet_ids)


def in_scope(user, outlet_id: int | None) -> bool:
    """Whether `outlet_id` is one of the user's outlets."""
    ids = visible_outlet_ids(user)
    return outlet_id is not None and (ids is None or outlet_id in ids)


def visible_outlet(user, outlet_id: int) -> Outlet | None:
    """One of the user's outlets by its id, or None; the row as this process keeps it (core.reference)."""
    if not in_scope(user, outlet_id):
        return None
    return reference.remembered("outlets", lambda: {o.pk: o for o in Outlet.objects.all()}).get(outlet_id)


def visible_outlets(user) -> QuerySet[Outlet]:
    """The outlets whose work `user` may see and change."""
    ids = visible_outlet_ids(user)
    return Outlet.objects.all() if ids is None else Outlet.objects.filter(pk__in=ids)


def scope(queryset: QuerySet, user, *, outlet_field: str = "outlet") -> QuerySet:
    """Limit `queryset` to rows whose `outlet_field` is one of the user's visible outlets.

    Use `outlet_field="pk"` for the Outlet model itself. An id outside the scope then simply
    does not exist for the caller (404), never 403, so ids of other outlets do not leak.
    """
    ids = visible_outlet_ids(user)
    if ids is None:
        return queryset
    lookup = "pk__in" if outlet_field == "pk" else f"{outlet_field}__in"
    return queryset.filter(**{lookup: ids})


def visible_staff(user) -> QuerySet[User]:
    """Staff a user may see: headquarters all; others those sharing a visible outlet or centre."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if _sees_everything(user):
        return User.objects.all()
    condition = Q(pk=user.pk) | Q(outlets__in=visible_outlet_ids(user))
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
