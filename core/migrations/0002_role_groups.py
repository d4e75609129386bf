"""Create one group per staff role with the core permissions it holds."""

from django.db import migrations

from core.roles import grant_permissions

CORE_PERMISSIONS = {
    "front_desk": ["view_outlet"],
    "hotline": ["view_outlet"],
    "dispatcher": ["view_outlet"],
    "engineer": [],
    "supervisor": ["view_outlet", "view_servicecentre", "view_user", "view_audit_trail"],
    "admin": [
        "view_outlet",
        "add_outlet",
        "change_outlet",
        "view_servicecentre",
        "add_servicecentre",
        "change_servicecentre",
        "view_user",
        "add_user",
        "change_user",
        "view_audit_trail",
    ],
}


def create_role_groups(apps, schema_editor):
    grant_permissions(apps, "core", CORE_PERMISSIONS)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(CORE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
