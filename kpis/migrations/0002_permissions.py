"""Who sees the service KPIs: supervisors (their outlets or centre) and admins (headquarters)."""

from django.db import migrations

from core.roles import grant_permissions

KPI_PERMISSIONS = {"supervisor": ["view_kpis"], "admin": ["view_kpis"]}


def grant(apps, schema_editor):
    grant_permissions(apps, "kpis", KPI_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
