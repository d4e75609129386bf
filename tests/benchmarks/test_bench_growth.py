"""`make bench-growth` (issue 28): builds a small and a large benchmark data set in databases of their own (or
reuses them), runs `bench` on each in turn and writes each case's ratio. Here with tiny sets and one case."""

import io
import re
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bench_data loads with COPY"),
]

SIZES = (200, 400)


@pytest.fixture
def data_sets():
    default = settings.DATABASES["default"]
    names = [f"{default['NAME']}_{orders}" for orders in SIZES]
    server = {k: default[key] for k, key in (("host", "HOST"), ("port", "PORT"), ("user", "USER")) if default[key]}
    yield names
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _growth() -> str:
    out = io.StringIO()
    small, large = SIZES
    call_command(
        "bench_growth", small=small, large=large, rounds=1, requests=2, only=["2"], stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def test_growth_builds_both_data_sets_once_and_prints_each_cases_ratio(data_sets):
    first = _growth()
    assert all(f"building {name}" in first for name in data_sets)
    row = r"^\| (2 search by [^|]+?) \| [\d.]+ \| [\d.]+ \| ([\d.]+)(?: ✗)? \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|$"
    rows = {name: ratios for name, *ratios in re.findall(row, first, re.M)}
    assert set(rows) == {"2 search by phone", "2 search by order number"}
    assert all(float(ratio) > 0 for ratios in rows.values() for ratio in ratios)  # the page's and its SQL's
    assert (Path(settings.BASE_DIR) / "var" / "bench" / "growth.md").read_text().count("| 2 search by") == 2
    again = _growth()  # the second run reuses what the first built
    assert all(f"reusing {name}" in again for name in data_sets) and "building" not in again
