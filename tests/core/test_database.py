"""PostgreSQL keeps the plan of a statement a connection runs again and again (settings:
DATABASE_PREPARED_STATEMENTS, on by default), and bulk statements stay under the parameters a bound
statement takes (core.backends.postgresql)."""

import pytest
from django.db import connection

from core.models import Outlet
from tests.factories import CentreFactory

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


def test_a_bulk_update_past_the_bound_parameter_limit_is_split():
    centre = CentreFactory()
    outlets = Outlet.objects.bulk_create(Outlet(code=f"bulk-{i}", name="网点", centre=centre) for i in range(22_000))
    for outlet in outlets:
        outlet.name = "新网点"
    Outlet.objects.bulk_update(outlets, ["name"])  # three parameters a row: 66,000
    assert Outlet.objects.filter(code__startswith="bulk-", name="新网点").count() == 22_000
