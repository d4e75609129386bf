"""Sessions (core/sessions.py): kept in the database, read from the cache; a cache that does not answer
costs only the database read; logout forgets both; expired sessions are deleted nightly."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import sessions
from core.roles import Role
from core.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db

DEAD_CACHE = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def _session_reads(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('"django_session"' in q["sql"] for q in queries.captured_queries)


def test_a_page_reads_its_session_from_the_cache_and_the_database_keeps_it(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    url = reverse("work-order-list")
    assert _session_reads(client, url) == 0
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()  # the record, should the cache be emptied
    cache.delete(sessions.SessionStore.cache_key_prefix + key)
    assert _session_reads(client, url) == 1  # read from the database, and copied to the cache again
    assert _session_reads(client, url) == 0


def test_the_cache_keeps_a_copy_for_minutes_not_the_sessions_age(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    key = sessions.SessionStore.cache_key_prefix + client.cookies[settings.SESSION_COOKIE_NAME].value
    redis = cache._cache.get_client(key)
    ttl = redis.ttl(cache.make_and_validate_key(key))
    assert 0 < ttl <= sessions.CACHE_SECONDS < settings.SESSION_COOKIE_AGE


def test_logout_forgets_the_session_in_the_cache_and_the_database(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("work-order-list")).status_code == 200
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(sessions.SessionStore.cache_key_prefix + key) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert client.get(reverse("work-order-list")).status_code == 302


def test_without_the_cache_pages_and_logout_work_from_the_database(network, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with override_settings(CACHES=DEAD_CACHE):
        assert _session_reads(client, reverse("work-order-list")) == 1
        assert client.post(reverse("logout")).status_code == 302
        assert not Session.objects.filter(session_key=key).exists()
        assert client.get(reverse("work-order-list")).status_code == 302  # to the login page
    client = client_for(network.staff[Role.FRONT_DESK])
    assert _session_reads(client, reverse("work-order-list")) == 0  # the cache answers again (and says so)


def test_expired_sessions_are_deleted_nightly(network, client_for):
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name
    client = client_for(network.staff[Role.FRONT_DESK])
    live = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(seconds=1))
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
