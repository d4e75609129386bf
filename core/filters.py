"""What every list endpoint an integrator syncs from offers (README "API"): `?updated_since=` (rows changed at
or after that time, indexed with the outlet) and `?ordering=updated_at` (oldest change first; `-id`, newest
first, stays the default), both over the same cursor pages."""

import django_filters
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
