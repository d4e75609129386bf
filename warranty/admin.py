from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from warranty.models import PolicyVersion, PublicHoliday, WarrantyPolicy


class PolicyVersionInline(admin.TabularInline):
    """Versions are never edited once published (old decisions keep their terms): add a new one."""

    model = PolicyVersion
    extra = 0
    can_delete = False
    fields = ["effective_from", "return_days", "exchange_days", "warranty_months", "component_months"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "brand", "national", "is_active"]
    list_select_related = ["national"]
    search_fields = ["code", "name", "brand"]
    inlines = [PolicyVersionInline]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["policy", "effective_from", "return_days", "exchange_days", "warranty_months", "created_at"]
    list_select_related = ["policy"]
    list_filter = ["policy"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
