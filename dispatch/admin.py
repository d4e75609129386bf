"""The parts catalogue is kept here by admins; everything else changes through the pages and the API."""

from django.contrib import admin

from dispatch.models import Part


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "active"]
    list_filter = ["active", "category"]
    search_fields = ["code", "name"]
    list_select_related = ["category"]
