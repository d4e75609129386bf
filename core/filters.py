"""What every list endpoint an integrator syncs from offers (README "API"): `?updated_since=` (rows changed at
or after that time, indexed with the outlet) and `?ordering=updated_at` (oldest change first; `-id`, newest
first, stays the default), both over the same cursor pages."""

import re

import django_filters
from django.db.models import CharField, Expression, IntegerField
from django.utils.translation import gettext_lazy as _
from rest_framework.filters import OrderingFilter

SYNC_ORDERING_FIELDS = ["id", "updated_at"]


class SyncFilterSet(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed since"), field_name="updated_at", lookup_expr="gte"
    )


class IncrementalSync:
    """A list view's filters for incremental sync: its FilterSet (a SyncFilterSet) and the ordering."""

    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = SYNC_ORDERING_FIELDS


class ChoiceLiteral(Expression):
    """A choice's code written into the SQL as a literal instead of a bound parameter. PostgreSQL plans a
    bound value as an average one (a status as an eighth of the orders) in the plan it keeps for a statement
    prepared on the connection; written out, each value is planned with its own statistics, in that plan too
    (BENCHMARKS.md, plan check: headquarters' list of a rare status had read 76,000 newest orders backwards
    by id, 10 -> 42 ms). Only codes (lower-case letters, digits, underscores) are accepted."""

    CODE = re.compile(r"[a-z0-9_]+")

    def __init__(self, code: str):
        if not self.CODE.fullmatch(code):
            raise ValueError(f"not a choice code: {code!r}")
        super().__init__(output_field=CharField())
        self.code = code

    def as_sql(self, compiler, connection):
        return f"'{self.code}'", []


class NumberLiteral(Expression):
    """An integer constant of the code (never a client's value) written into the SQL, for a condition that a
    partial index names: bound as a parameter, it cannot prove the index's predicate in the plan PostgreSQL
    keeps for a prepared statement (the complaint-risk panel's, forced generic: the table read backwards, 93 ms
    at 100,000 orders; with literals 0.1 ms on its partial index)."""

    def __init__(self, number: int):
        super().__init__(output_field=IntegerField())
        self.number = int(number)

    def as_sql(self, compiler, connection):
        return str(self.number), []


class ChoiceLiteralFilter(django_filters.ChoiceFilter):
    """A choice filter whose value (one of its choices: the form has checked it) the query carries as a
    literal (ChoiceLiteral), for the columns whose values are few and unevenly spread (statuses, channels)."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.filter(**{self.field_name: ChoiceLiteral(value)})
