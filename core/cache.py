"""Django's Redis cache, keeping its redis.Redis clients.

Django's client makes a new `redis.Redis` for every cache call, and each new one builds redis-py's table of
response callbacks (about 170 entries): some 0.6 million instructions a call, three or four calls a request
(permissions, throttles, rate limits). One client per connection pool does the same work; the pool is what
holds the connections, and it is safe across threads and forks (redis-py checks the process id).
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # kept for the process's life: its id names it
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
