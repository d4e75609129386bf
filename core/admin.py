from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from core.logging import mask_codes
from core.models import (
    ApiToken,
    MessageOptOut,
    MessageTemplate,
    Notification,
    Outlet,
    SchedulerHeartbeat,
    ServiceCentre,
    User,
    WeChatBinding,
)

admin.site.site_header = _("Service work orders · data administration")
admin.site.site_title = _("Data administration")
admin.site.index_title = _("Reference data and records")
admin.site.site_url = "/"

# Fields that grant rights beyond a role: only a superuser changes them, here; roles change on the staff pages.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *PRIVILEGE_FIELDS)

    def has_change_permission(self, request, obj=None):
        """A superuser's account (its password among the rest) is changed by a superuser only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(SchedulerHeartbeat)
class SchedulerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_beat_at", "beats"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "text", "sms_template_id"]
    list_filter = ["kind", "language"]


@admin.register(WeChatBinding)
class WeChatBindingAdmin(admin.ModelAdmin):
    """Customers who get their messages in WeChat; deleting a row sends them by SMS again."""

    list_display = ["masked_phone", "bound_at"]
    search_fields = ["phone"]
    fields = readonly_fields = ["masked_phone", "bound_at"]

    @admin.display(description=_("phone"))
    def masked_phone(self, binding):
        return mask_codes(binding.phone)

    def has_add_permission(self, request):
        return False  # bound by the customer on the tracking page only


@admin.register(MessageOptOut)
class MessageOptOutAdmin(admin.ModelAdmin):
    """Phones that asked for no more messages; deleting a row opts the phone back in."""

    list_display = ["masked_phone", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["phone"]
    fields = ["phone", "source", "reply"]

    @admin.display(description=_("phone"))
    def masked_phone(self, opt_out):
        return mask_codes(opt_out.phone)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what failed and why. Recipients and messages are shown masked
    (phones, pickup codes) to everyone: whoever can read the outbox must not collect a customer's product."""

    list_display = ["created_at", "kind", "masked_to", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    fields = readonly_fields = [
        "kind",
        "masked_to",
        "masked_message",
        "status",
        "attempts",
        "last_error",
        "not_before",
        "provider_ref",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("to"))
    def masked_to(self, notification):
        return mask_codes(notification.to)

    @admin.display(description=_("message"))
    def masked_message(self, notification):
        return mask_codes(notification.message)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# knox registers its own token model, which core.ApiToken replaces (KNOX_TOKEN_MODEL).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's API tokens, to revoke (delete) one; a token is made by its owner only."""

    list_display = ["user", "name", "token_key", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name", "token_key"]
    fields = readonly_fields = ["user", "name", "token_key", "created", "expiry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
