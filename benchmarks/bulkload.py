"""Loading large generated data sets into PostgreSQL with COPY (the benchmark data, `bench_data`).

Rows are given by attribute name; every other column takes the field's default, so the tables keep
their constraints and the rows look like the product's own. Memory stays bounded: rows are buffered
and sent every `chunk` rows.
"""

import csv
import datetime as dt
import io
import json
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.utils import timezone

NULL = r"\N"


def as_text(value) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float | Decimal | str):
        return str(value)
    return str(value)  # phone numbers and other values with a text form


class CopyWriter:
    """COPY rows into one model's table: `add(**values)` per row, `close()` at the end."""

    def __init__(self, model, *, chunk: int = 50_000):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults = [self._default(f) for f in self.fields]
        self.names = [f.attname for f in self.fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        self.chunk = chunk
        self.rows = 0
        self._reset()

    @staticmethod
    def _default(field) -> str:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return as_text(timezone.now())  # what save() would stamp
        if field.default is not NOT_PROVIDED:
            return as_text(field.get_default())
        if field.null:
            return NULL
        return as_text(field.get_default())  # "" for text fields

    def _reset(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.pending = 0

    def add(self, **values) -> None:
        self.writer.writerow(
            [
                as_text(values[name]) if name in values else default
                for name, default in zip(self.names, self.defaults, strict=True)
            ]
        )
        self.pending += 1
        if self.pending >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with connection.cursor() as cursor, cursor.copy(self.sql) as copy:
            copy.write(self.buffer.getvalue())
        self.rows += self.pending
        self._reset()

    def close(self) -> int:
        self.flush()
        with connection.cursor() as cursor:  # the next id the product hands out follows the loaded ones
            table = self.model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))",  # noqa: S608 (a model's table name)
                [table],
            )
        return self.rows


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608 (a model's table)
        return cursor.fetchone()[0]


@contextmanager
def checks_and_indexes_after(models):
    """Load into `models`' tables with their foreign keys and plain indexes taken off, then put them back.

    Inside the caller's transaction (PostgreSQL DDL is transactional). A foreign key checked at commit
    queues one trigger per loaded row (millions: minutes at the commit); added back afterwards it is
    validated by one join per key. An index built after the load is sorted once instead of updated row
    by row. Primary keys, unique and exclusion constraints stay in place and check every row as it comes.
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        # Checks still queued in this transaction (rows made before the load) run now: a table with
        # pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
