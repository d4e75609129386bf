# Indexes an intake writes and nothing reads: the copies of indexed columns in the customer and product
# history (read by object only) and two foreign keys led by a composite index already. The two foreign keys
# keep their constraints (AlterField would drop and re-add them, validating every row again).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_wechat"),
        ("workorders", "0027_creator_index_once"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customerphone",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="workorders.customer",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "workorders_customerphone_customer_id_89cc19a0"',
                    reverse_sql='CREATE INDEX "workorders_customerphone_customer_id_89cc19a0" ON "workorders_customerphone" ("customer_id")',
                ),
            ],
        ),
        migrations.AlterField(
            model_name="historicalcustomer",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalcustomer",
            name="outlet",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.outlet",
                verbose_name="registered at outlet",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproduct",
            name="category",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="workorders.productcategory",
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproduct",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="workorders.customer",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproduct",
            name="serial",
            field=models.CharField(blank=True, max_length=64, verbose_name="serial / barcode / IMEI"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workorderevent",
                    name="work_order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="workorders.workorder",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "workorders_workorderevent_work_order_id_924ddbe1"',
                    reverse_sql='CREATE INDEX "workorders_workorderevent_work_order_id_924ddbe1" ON "workorders_workorderevent" ("work_order_id")',
                ),
            ],
        ),
    ]
