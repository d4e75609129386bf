"""Reference data that nearly every intake reads and admins seldom change (outlets, product categories
with their 三包 policies, policy versions, calling hours and callback plans), kept in each serving
process while the access generation (core.permissions) stays the same: three to five queries fewer
an intake, a fifth of its instructions (BENCHMARKS.md).

A save or delete of a model registered with `kept_until_changed` (outlets: core.permissions' own
receivers) renews the generation, now and at the commit, so every process reads the data again on its
next request. A request learns the
generation with its user's access entry, in that same round trip to the cache. Outside a request
(Celery tasks, commands) and without the cache nothing is kept: the database answers.

Kept objects are shared by the requests of a process: read them, never change them.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from core import permissions
from core.logging import cache_outage

_kept: dict[str, tuple[str, object]] = {}  # name -> (generation, value)


class RequestScopeMiddleware:
    """Gives each request its own note of the generation it read (none carries over to the next)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = permissions.request_generation.set({})
        try:
            return self.get_response(request)
        finally:
            permissions.request_generation.reset(token)


def remembered(name: str, load: Callable[[], object]):
    """`load()`, kept in this process under `name` until the generation changes. Name whole tables
    (or bounded sets), never a value from the client: what is kept is not evicted."""
    generation = _generation()
    if generation is None:
        return load()
    held = _kept.get(name)
    if held is not None and held[0] == generation:
        return held[1]
    value = load()
    _kept[name] = (generation, value)
    return value


def _generation() -> str | None:
    noted = permissions.request_generation.get()
    if noted is None:
        return None
    if "generation" not in noted:  # no access check yet in this request
        try:
            noted["generation"] = cache.get(permissions.GENERATION_KEY)
        except Exception as error:  # the cache is a shortcut: without it the database answers
            cache_outage.failed(error)
            noted["generation"] = None
    return noted["generation"]


def kept_until_changed(*models) -> None:
    """Renew the generation whenever a row of one of `models` is saved or deleted."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"reference-{model._meta.label}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"reference-{model._meta.label}-delete")


def _changed(sender, **kwargs):
    permissions.forget_all()
