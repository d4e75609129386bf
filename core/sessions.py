"""Sessions kept in the database and read from the cache (SESSION_ENGINE).

Every page reads its session: from the database that is one more query before the page's own (about
1.2 million instructions of the ORM and the driver, and a round trip: BENCHMARKS.md). Django's cached_db store reads the
cache first and writes both; the database stays the record, so a session outlives a cache restart.

Django's store raises when the cache is down while it copies a session read from the database into the
cache, or forgets one at logout; here a cache that does not answer only costs the database read, with one
warning for the outage (as core.permissions), not an error page. A copy is kept for CACHE_SECONDS at most,
not the session's whole age: a logout whose cache delete failed (the cache unreachable, not restarted)
leaves its old copy readable no longer than that. Whether the account is active and its password
unchanged is still read from the user's row on every request.
"""

from django.contrib.sessions.backends import cached_db

from core.logging import cache_outage

CACHE_SECONDS = 300  # a clerk's session is read from the database once in five minutes


class _Tolerant:
    """The cache calls the store makes; a failed call reads as a miss and writes as nothing."""

    def __init__(self, cache):
        self._cache = cache

    def _call(self, method: str, *args, missing=None):
        try:
            answer = getattr(self._cache, method)(*args)
        except Exception as error:
            cache_outage.failed(error)
            return missing
        cache_outage.answered()
        return answer

    def get(self, key):
        return self._call("get", key)

    def set(self, key, value, timeout):
        self._call("set", key, value, min(timeout, CACHE_SECONDS))

    def delete(self, key):
        self._call("delete", key)

    def __contains__(self, key) -> bool:
        return self._call("has_key", key, missing=False)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Tolerant(self._cache)
