"""Everyone who takes money may ask for a waiver; supervisors decide."""

from django.db import migrations

from core.roles import grant_permissions

ASK = ["view_chargewaiver", "add_chargewaiver"]
WAIVER_PERMISSIONS = {
    "front_desk": ASK,
    "hotline": ["view_chargewaiver"],
    "dispatcher": ["view_chargewaiver"],
    "engineer": ASK,
    "supervisor": [*ASK, "decide_chargewaiver"],
    "admin": ["view_chargewaiver"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "workorders", WAIVER_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0008_charge_waivers"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
