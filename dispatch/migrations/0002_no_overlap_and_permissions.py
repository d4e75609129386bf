"""Overlapping live appointments of one engineer are impossible on PostgreSQL (an exclusion
constraint over the time range), and each role's dispatch permissions."""

from django.db import migrations

from core.roles import grant_permissions

APPOINTMENTS = ["view_appointment", "view_appointmentchange", "view_visitreport"]
DISPATCH = ["dispatch_appointment", "view_engineerprofile", "change_engineerprofile", "add_engineerprofile"]
DISPATCH_PERMISSIONS = {
    "front_desk": APPOINTMENTS,
    "hotline": [*APPOINTMENTS, "dispatch_appointment", "view_engineerprofile", "reconcile_appointment"],
    "dispatcher": [*APPOINTMENTS, *DISPATCH, "reconcile_appointment"],
    "engineer": [*APPOINTMENTS, "visit_appointment"],
    "supervisor": [*APPOINTMENTS, *DISPATCH, "reconcile_appointment"],
    "admin": [*APPOINTMENTS, "view_engineerprofile", "change_engineerprofile", "add_engineerprofile"],
}
# An engineer passes on what a customer asks for the centre (and escalates a refusal) by message slip.
SLIP_PERMISSIONS = {"engineer": ["add_messageslip"]}

NO_OVERLAP = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE dispatch_appointment ADD CONSTRAINT appt_engineer_no_overlap
    EXCLUDE USING gist (engineer_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('booked', 'on_site', 'done'));
"""


def add_no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_OVERLAP)


def drop_no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE dispatch_appointment DROP CONSTRAINT appt_engineer_no_overlap")


def grant(apps, schema_editor):
    grant_permissions(apps, "dispatch", DISPATCH_PERMISSIONS)
    grant_permissions(apps, "workorders", SLIP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_initial"),
        ("workorders", "0006_call_permissions"),
        ("core", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(add_no_overlap, drop_no_overlap),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
