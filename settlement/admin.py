"""The maker's settlement price lists are kept by headquarters' admins in the Django admin for now: a draft is
edited with its rates, bands and part prices, then published; once a claim has used it, it is read-only."""

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from settlement.models import DistanceBand, SettlementLabourRate, SettlementPartPrice, SettlementPriceList


class _FrozenOnceUsed:
    def _editable(self, obj) -> bool:
        return obj is None or not obj.in_use

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class _FrozenInline(_FrozenOnceUsed, admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)


class LabourRateInline(_FrozenInline):
    model = SettlementLabourRate


class DistanceBandInline(_FrozenInline):
    model = DistanceBand


class PartPriceInline(_FrozenInline):
    model = SettlementPartPrice


@admin.register(SettlementPriceList)
class SettlementPriceListAdmin(_FrozenOnceUsed, SimpleHistoryAdmin):
    list_display = ["name", "effective_from", "status", "in_use", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["in_use", "published_at"]
    inlines = [LabourRateInline, DistanceBandInline, PartPriceInline]

    def save_model(self, request, obj, form, change):
        if obj.status == SettlementPriceList.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)
