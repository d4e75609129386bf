# The creator's own index is dropped: wo_creator_idempotency_key leads with the same column. Only the index
# goes (AlterField would also drop and re-add the foreign key, validating every order again).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0026_status_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workorder",
                    name="created_by",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "workorders_workorder_created_by_id_8335f06c"',
                    reverse_sql='CREATE INDEX "workorders_workorder_created_by_id_8335f06c" '
                    'ON "workorders_workorder" ("created_by_id")',
                ),
            ],
        ),
    ]
