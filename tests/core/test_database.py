"""PostgreSQL keeps the plan of a statement a connection runs again and again (settings:
DATABASE_PREPARED_STATEMENTS, on by default)."""

import pytest
from django.db import connection

from core.models import Outlet

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_a_repeated_query_is_prepared_on_the_connection():
    before = _prepared()
    for code in ("a-1", "b-2", "c-3", "d-4", "e-5", "f-6", "g-7"):
        assert list(Outlet.objects.filter(code=code)) == []
    assert _prepared() > before
