"""Deadlines per severity, each role's authority to grant remedies, and the complaint permissions."""

from decimal import Decimal

from django.db import migrations

from core.roles import grant_permissions

# severity: first contact, remedy agreed, closed (hours)
DEADLINES = {"low": (24, 72, 168), "medium": (8, 48, 120), "high": (2, 24, 72)}
# The value a handler of each role may grant alone (the engineer never promises compensation).
LIMITS = {
    "front_desk": Decimal("50"),
    "hotline": Decimal("100"),
    "dispatcher": Decimal("0"),
    "engineer": Decimal("0"),
    "supervisor": Decimal("1000"),
    "admin": Decimal("0"),
}
SEE = ["view_feedback", "view_complaintcase", "view_casestep", "view_remedy", "view_badfaithflag"]
HANDLE = [*SEE, "add_feedback", "add_complaintcase", "change_complaintcase", "add_casestep", "add_remedy"]
COMPLAINT_PERMISSIONS = {
    "front_desk": HANDLE,
    "hotline": HANDLE,
    "dispatcher": [*SEE, "add_feedback"],
    "engineer": [*SEE, "add_feedback"],
    "supervisor": [
        *HANDLE,
        "change_feedback",
        "change_remedy",
        "escalate_complaintcase",
        "flag_bad_faith",
    ],
    "admin": [
        *SEE,
        "view_deadlinepolicy",
        "change_deadlinepolicy",
        "view_authoritylimit",
        "change_authoritylimit",
    ],
}


def seed(apps, schema_editor):
    Policy = apps.get_model("complaints", "DeadlinePolicy")
    Limit = apps.get_model("complaints", "AuthorityLimit")
    for severity, (contact, remedy, close) in DEADLINES.items():
        Policy.objects.get_or_create(
            severity=severity,
            defaults={"first_contact_hours": contact, "remedy_hours": remedy, "close_hours": close},
        )
    for role, amount in LIMITS.items():
        Limit.objects.get_or_create(role=role, defaults={"max_amount": amount})
    grant_permissions(apps, "complaints", COMPLAINT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
