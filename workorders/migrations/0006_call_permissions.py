"""Calls and message slips: hotline and front desk log them; everyone answers slips meant for them."""

from django.db import migrations

from core.roles import grant_permissions

SLIPS = ["view_messageslip", "change_messageslip"]
CALL_PERMISSIONS = {
    "front_desk": ["view_call", "add_call", "add_messageslip", *SLIPS],
    "hotline": ["view_call", "add_call", "add_messageslip", *SLIPS],
    "dispatcher": ["add_messageslip", *SLIPS],
    "engineer": SLIPS,
    "supervisor": ["view_call", "add_messageslip", *SLIPS],
    "admin": ["view_call", "add_call", "add_messageslip", *SLIPS],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "workorders", CALL_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0005_calls_and_message_slips"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
