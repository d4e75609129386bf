"""Admins keep the callback plans (offsets, who calls, scripts, retry policy) and the calling windows."""

from django.contrib import admin

from followups.models import CallbackPlan, CallingWindow


@admin.register(CallbackPlan)
class CallbackPlanAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "trigger",
        "offset_minutes",
        "caller_role",
        "max_attempts",
        "retry_minutes",
        "enabled",
    ]
    list_filter = ["trigger", "enabled"]
    list_editable = ["enabled"]


@admin.register(CallingWindow)
class CallingWindowAdmin(admin.ModelAdmin):
    list_display = ["starts", "ends"]
