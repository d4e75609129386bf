"""The permission backend: Django's ModelBackend, with a user's permissions kept in the cache.

Django reads a user's own permissions and their groups' in two queries on every request that checks
one (nearly all). Here they are read in one query and kept in the cache for PERMISSIONS_CACHE_SECONDS,
under a generation that every change of a grant renews: a role given or taken, a group's permissions
edited. The generation is renewed at once and again at the commit, so a request that read the old
grants between the two keeps them no longer than that. An entry names the account by its id and
creation time (a database made anew, as for tests, hands out the same ids again). Superusers are not
cached (Django answers their checks without the backend).
"""

import logging
import secrets

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from core.models import User

log = logging.getLogger(__name__)

GENERATION_KEY = "permissions:generation"


class PermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = _read(user_obj) if user_obj.is_superuser else _cached(user_obj)
        return user_obj._perm_cache


def _read(user) -> frozenset[str]:
    perms = Permission.objects.all()
    if not user.is_superuser:
        own = User.user_permissions.through.objects.filter(user_id=user.pk).values("permission_id")
        groups = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
        of_groups = Group.permissions.through.objects.filter(group_id__in=groups).values("permission_id")
        perms = perms.filter(Q(pk__in=own) | Q(pk__in=of_groups))
    return frozenset(
        f"{app}.{codename}" for app, codename in perms.values_list("content_type__app_label", "codename").order_by()
    )


def _cached(user) -> frozenset[str]:
    key = f"permissions:user:{user.pk}:{user.date_joined.timestamp()}"
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # the cache is a shortcut: without it the database answers
        log.warning("permission cache unavailable", exc_info=True)
        return _read(user)
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    perms = _read(user)
    try:
        if generation is None:
            cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)  # cached from the next request on
        else:
            cache.set(key, (generation, perms), timeout=settings.PERMISSIONS_CACHE_SECONDS)
    except Exception:
        log.warning("permission cache unavailable", exc_info=True)
    return perms


def forget_all() -> None:
    """Make every cached permission set stale, now and when the transaction commits."""
    renew_generation()
    transaction.on_commit(renew_generation)


def renew_generation() -> None:
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        log.warning("permission cache unavailable: grants change within %ss", settings.PERMISSIONS_CACHE_SECONDS)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=Group.permissions.through)
def _grants_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        forget_all()


@receiver(post_delete, sender=Group)
@receiver(post_delete, sender=Permission)
def _grant_deleted(sender, **kwargs):
    forget_all()
