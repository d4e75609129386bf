"""Who keeps parts stock: outlet clerks (front desk) receive deliveries, set reorder points and order
from the centre; dispatchers and supervisors keep the centre's warehouse and outlets; engineers ask for
parts for their van, receive them and send back what they do not fit. Everyone who sees parts sees
the transfers and the stock's history."""

from django.db import migrations

from core.roles import grant_permissions

SEE = ["view_partstock", "view_stocktransfer", "view_stockmovement", "view_stockplace"]
MOVE = ["add_stocktransfer", "change_stocktransfer"]
STOCK_PERMISSIONS = {
    "front_desk": [*SEE, *MOVE, "change_partstock"],
    "hotline": SEE,
    "dispatcher": [*SEE, *MOVE, "change_partstock"],
    "engineer": [*SEE, *MOVE],
    "supervisor": [*SEE, *MOVE, "change_partstock"],
    "admin": [*SEE, "change_partstock"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "dispatch", STOCK_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0017_stock_place_required"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
