"""The payments page (daily cash count): the front desk takes the money, supervisors and admins check it."""

from django.db import migrations

from core.roles import grant_permissions

PAYMENT_PERMISSIONS = {
    "front_desk": ["view_payment"],
    "supervisor": ["view_payment"],
    "admin": ["view_payment"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "workorders", PAYMENT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0021_event_messages"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
