"""Admins keep the complaint rules as data: deadlines per severity, each role's remedy limit, and the
rank that grants each kind of remedy."""

from django.contrib import admin

from complaints.models import AuthorityLimit, DeadlinePolicy, RemedyRank


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["severity", "first_contact_hours", "remedy_hours", "close_hours"]


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "max_amount"]


@admin.register(RemedyRank)
class RemedyRankAdmin(admin.ModelAdmin):
    list_display = ["kind", "rank"]
    list_editable = ["rank"]
