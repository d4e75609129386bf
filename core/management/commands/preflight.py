"""Check the configured database and Redis before starting, with one clear message each."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Check that the database (DATABASE_URL) and Redis (REDIS_URL) are reachable."

    def handle(self, *args, **opts):
        db = settings.DATABASES["default"]
        where = f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''} {db['NAME']}".strip()
        try:
            connection.ensure_connection()
        except Exception as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(
                f"Cannot connect to the database ({where}): {first_line}. "
                "Check DATABASE_URL (e.g. postgres://USER@127.0.0.1:5432/NAME) or unset it to use SQLite."
            ) from None
        self.stdout.write(f"database ok: {where}")
        if settings.REDIS_URL:
            import redis

            try:
                redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
            except Exception as exc:
                raise CommandError(
                    f"Cannot reach Redis at REDIS_URL: {exc}. Start Redis, fix REDIS_URL, "
                    "or unset it to run scheduled work on the embedded broker."
                ) from None
            self.stdout.write("redis ok")
        else:
            self.stdout.write("redis not configured: scheduled work uses the embedded broker under var/")
