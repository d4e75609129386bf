"""Who works with warranty-cost claims and old parts. Outlet clerks (front desk) and supervisors see their
outlets' claims; admins and supervisors hold the decision permission, which counts only at headquarters or at
a centre headquarters has delegated claims to (settlement.services.may_decide): no outlet decides its own
claims. Outlet clerks ship old parts; the centre's supervisors (and headquarters) receive and inspect them.
Headquarters' admins and supervisors issue the monthly statements and record deductions for upheld complaints
(settlement.services: headquarters only); the outlet's clerk agrees to or disputes its statement."""

from django.db import migrations

from core.roles import grant_permissions

RETURNS = ["view_returntag", "view_partshipment"]
STATEMENTS = ["view_settlementstatement", "view_deduction"]
CLAIM_PERMISSIONS = {
    "front_desk": [
        "view_settlementpricelist",
        "view_warrantyclaim",
        *RETURNS,
        "add_partshipment",
        *STATEMENTS,
        "answer_settlementstatement",
    ],
    "supervisor": [
        "view_warrantyclaim",
        "decide_warrantyclaim",
        "view_settlementpricelist",
        *RETURNS,
        "add_partshipment",
        "receive_partshipment",
        *STATEMENTS,
        "issue_settlementstatement",
        "add_deduction",
    ],
    "admin": [
        *STATEMENTS,
        "issue_settlementstatement",
        "add_deduction",
        *RETURNS,
        "add_partshipment",
        "receive_partshipment",
        "view_warrantyclaim",
        "decide_warrantyclaim",
        "view_settlementpricelist",
        "add_settlementpricelist",
        "change_settlementpricelist",
        *(
            f"{action}_{model}"
            for model in ("settlementlabourrate", "distanceband", "settlementpartprice")
            for action in ("view", "add", "change", "delete")
        ),
    ],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "settlement", CLAIM_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
