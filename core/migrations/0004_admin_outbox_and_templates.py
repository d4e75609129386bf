"""Administrators read the notification outbox (masked) and edit the message templates (README)."""

from django.db import migrations

from core.roles import grant_permissions

PERMISSIONS = {
    "admin": ["view_notification", "view_messagetemplate", "add_messagetemplate", "change_messagetemplate"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "core", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_notifications_outbox")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
