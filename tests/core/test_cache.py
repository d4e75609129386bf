"""The Redis cache keeps one redis.Redis client per connection pool (core.cache)."""

import pytest
import redis
from django.conf import settings

from core.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), reason="no Redis")


def test_one_client_serves_every_call(monkeypatch):
    made = []
    original = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    cache = RedisCache(settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": "test-cache-client"})
    cache.set("greeting", "你好", 30)
    assert cache.get("greeting") == "你好"
    cache.add("greeting-count", 1, 30)
    assert cache.incr("greeting-count") == 2
    cache.delete_many(["greeting", "greeting-count"])
    assert cache.get("greeting") is None
    assert len(made) == 1  # Django's own client makes one for each call
