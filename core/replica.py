"""Reads that tolerate a few seconds of lag go to a PostgreSQL streaming replica, when DATABASE_REPLICA_URL is
set (README "Scaling out"): the KPI pages and exports, the settlement pages, the lists supervisors read.

A view says it may read from the replica (`@replica_reads`); everything else, and every write, uses the
primary. So does a replica view for a user who wrote in the last REPLICA_STICKY_SECONDS (remembered in the
cache by WritesRememberedMiddleware): a person never misses in a list what they have just changed."""

import contextvars
from functools import wraps

from django.conf import settings
from django.core.cache import cache

_from_replica = contextvars.ContextVar("reads_from_replica", default=False)
REPLICA = "replica"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _wrote_lately(user) -> bool:
    return bool(user is not None and user.is_authenticated and cache.get(f"wrote:{user.pk}"))


def replica_reads(view):
    """The view's reads go to the replica (GET and HEAD, for a user who has not just written)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not configured() or request.method not in ("GET", "HEAD") or _wrote_lately(getattr(request, "user", None)):
            return view(request, *args, **kwargs)
        token = _from_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _from_replica.reset(token)

    return wrapped


class WritesRememberedMiddleware:
    """After a user's request that may have written, their reads stay on the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if configured() and request.method in WRITES and user is not None and user.is_authenticated:
            cache.set(f"wrote:{user.pk}", True, timeout=settings.REPLICA_STICKY_SECONDS)
        return response


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when a replica is configured: reads of a @replica_reads view go to it."""

    def db_for_read(self, model, **hints):
        return REPLICA if _from_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same database, one copy behind the other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's migrations
