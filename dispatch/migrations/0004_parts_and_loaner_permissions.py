"""Who handles parts and loaner units: engineers ask for parts and leave loaners; the centre
(dispatchers, supervisors) issues parts from stock; admins keep the parts catalogue."""

from django.db import migrations

from core.roles import grant_permissions

SEE = ["view_part", "view_partstock", "view_partrequisition", "view_loanerunit"]
CENTRE = [
    *SEE,
    "change_partstock",
    "add_partrequisition",
    "change_partrequisition",
    "issue_partrequisition",
    "add_loanerunit",
    "change_loanerunit",
]
PARTS_PERMISSIONS = {
    "front_desk": [*SEE, "add_partrequisition", "change_partrequisition"],
    "hotline": SEE,
    "dispatcher": CENTRE,
    "engineer": [*SEE, "add_partrequisition", "change_partrequisition", "change_loanerunit"],
    "supervisor": [*CENTRE, "add_part", "change_part"],
    "admin": [*SEE, "add_part", "change_part", "change_partstock", "add_loanerunit", "change_loanerunit"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "dispatch", PARTS_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0003_parts_and_loaners"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
