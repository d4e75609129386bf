"""Fee schedules: every role reads them (the schedule is shown to customers); admins edit them."""

from django.db import migrations

from core.roles import grant_permissions

VIEW = ["view_feeschedule", "view_labourrate", "view_partprice"]
FEE_PERMISSIONS = {
    "front_desk": VIEW,
    "hotline": VIEW,
    "dispatcher": VIEW,
    "engineer": VIEW,
    "supervisor": VIEW,
    "admin": [*VIEW, "add_feeschedule", "change_feeschedule"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "warranty", FEE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("warranty", "0003_fee_schedules"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
