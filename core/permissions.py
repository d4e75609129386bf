"""What nearly every request reads about its user, kept in the cache: their permissions (the
permission backend below), their role and the outlets they see (core.scoping).

Django reads a user's own permissions and their groups' in two queries on every request that checks
one, the role (core.models.User.role) a third and the scope a fourth. Here the permissions are read in
one query, the groups and the outlets in one each, and all three are kept in the cache for
ACCESS_CACHE_SECONDS under a generation that every change of a grant or a scope renews: a role given or
taken, a group's permissions edited or its name changed, outlets given or taken,
an outlet made or moved to another centre. The generation is renewed at once and again at the commit,
so a request that read the old values between the two keeps them no longer than that. An entry names
the account by its id, creation time and centre (a database made anew, as for tests, hands out the
same ids again). Whether the account is active, a superuser or headquarters is read from its row on
every request; superusers' permissions are not cached (Django answers their checks without a backend).
"""

import secrets
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.logging import cache_outage
from core.models import Outlet, User

GENERATION_KEY = "access:generation"
ENTRY_KEY = "access:v2:user:{pk}:{joined}:{centre}"  # v: the shape of Access (a new one is not read as the old)

# The generation the current request read with its access entry, for core.reference (which gives each
# request its own dict); None outside a request.
request_generation: ContextVar[dict | None] = ContextVar("request_generation", default=None)


@dataclass(frozen=True)
class Access:
    permissions: frozenset[str]
    outlet_ids: tuple[int, ...]  # the user's outlets and their centre's (for those who do not see all)
    group_names: frozenset[str]  # the role is one (core.models.User.role)


class PermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = read_permissions(user_obj) if user_obj.is_superuser else access(user_obj).permissions
        return user_obj._perm_cache


def access(user) -> Access:
    """The user's permissions, outlets and groups, read once per user object (a request loads its user anew)."""
    if not hasattr(user, "_access"):
        user._access = _cached(user)
    return user._access


def read_permissions(user) -> frozenset[str]:
    perms = Permission.objects.all()
    if not user.is_superuser:
        own = User.user_permissions.through.objects.filter(user_id=user.pk).values("permission_id")
        groups = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
        of_groups = Group.permissions.through.objects.filter(group_id__in=groups).values("permission_id")
        perms = perms.filter(Q(pk__in=own) | Q(pk__in=of_groups))
    return frozenset(
        f"{app}.{codename}" for app, codename in perms.values_list("content_type__app_label", "codename").order_by()
    )


def read_outlet_ids(user) -> tuple[int, ...]:
    condition = Q(pk__in=User.outlets.through.objects.filter(user_id=user.pk).values("outlet_id"))
    if user.centre_id:
        condition |= Q(centre_id=user.centre_id)
    return tuple(Outlet.objects.filter(condition).order_by("pk").values_list("pk", flat=True))


def read_group_names(user) -> frozenset[str]:
    return frozenset(user.groups.values_list("name", flat=True))


def _read(user) -> Access:
    return Access(
        permissions=read_permissions(user), outlet_ids=read_outlet_ids(user), group_names=read_group_names(user)
    )


def _cached(user) -> Access:
    key = ENTRY_KEY.format(pk=user.pk, joined=user.date_joined.timestamp(), centre=user.centre_id)
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception as error:  # the cache is a shortcut: without it the database answers
        cache_outage.failed(error)
        _note(None)
        return _read(user)
    cache_outage.answered()
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    _note(generation)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    fresh = _read(user)
    try:
        if generation is None:
            cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)  # cached from the next request on
        else:
            cache.set(key, (generation, fresh), timeout=settings.ACCESS_CACHE_SECONDS)
    except Exception as error:
        cache_outage.failed(error)
    return fresh


def _note(generation: str | None) -> None:
    noted = request_generation.get()
    if noted is not None and not noted.get("changed"):
        noted["generation"] = generation


def forget_all() -> None:
    """Make every cached permission set and scope stale, now and when the transaction commits.

    The request keeps nothing more of core.reference: what it would read next may be its own
    change, which a rollback could undo while the new generation stayed.
    """
    noted = request_generation.get()
    if noted is not None:
        noted.update(changed=True, generation=None)
    renew_generation()
    transaction.on_commit(renew_generation)


def renew_generation() -> None:
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception as error:  # kept entries run out within ACCESS_CACHE_SECONDS
        cache_outage.failed(error)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=User.outlets.through)
@receiver(m2m_changed, sender=Group.permissions.through)
def _grants_or_outlets_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        forget_all()


@receiver(post_save, sender=Outlet)  # a new outlet, or one moved to another centre
@receiver(post_delete, sender=Outlet)
@receiver(post_save, sender=Group)  # a role is a group of that name
@receiver(post_delete, sender=Group)
@receiver(post_delete, sender=Permission)
def _outlet_or_grant_changed(sender, **kwargs):
    forget_all()


def require_permission(actor, perm: str, *, system_may: bool = False) -> None:
    """The one permission check of every service: PermissionDenied with a message unless `actor` holds `perm`.

    `system_may`: the action may also run for nobody (actor None: a management command, a migration).
    """
    if actor is None and system_may:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))
