from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import MessageTemplate, Notification, Outlet, SchedulerHeartbeat, ServiceCentre, User


@admin.register(ServiceCentre)
class ServiceCentreAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "centre", "is_active"]
    list_filter = ["centre", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["centre"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "name", "centre", "is_headquarters", "is_active"]
    list_filter = ["groups", "centre", "is_headquarters", "is_active"]
    search_fields = ["username", "name"]
    ordering = ["username"]
    filter_horizontal = ["outlets", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password", "name", "phone", "language"]}),
        (_("Scope"), {"fields": ["outlets", "centre", "is_headquarters"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "name", "password1", "password2"]})]


@admin.register(SchedulerHeartbeat)
class SchedulerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_beat_at", "beats"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "text"]
    list_filter = ["kind", "language"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what failed and why."""

    list_display = ["created_at", "kind", "to", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "kind",
        "to",
        "message",
        "idempotency_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
