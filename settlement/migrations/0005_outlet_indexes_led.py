# Foreign keys indexed by the composite indexes they lead lose their own index (one write fewer a row);
# only the index goes (AlterField would drop and re-add each foreign key, validating every row again).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_wechat"),
        ("dispatch", "0020_outlet_indexes_led"),
        ("settlement", "0004_claim_outlet_recent"),
        ("workorders", "0028_fewer_intake_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="returntag",
                    name="outlet",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.outlet",
                        verbose_name="outlet",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "settlement_returntag_outlet_id_219b097b"',
                    reverse_sql='CREATE INDEX "settlement_returntag_outlet_id_219b097b" ON "settlement_returntag" ("outlet_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="returntag",
                    name="work_order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="return_tags",
                        to="workorders.workorder",
                        verbose_name="work order",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "settlement_returntag_work_order_id_90a9df90"',
                    reverse_sql='CREATE INDEX "settlement_returntag_work_order_id_90a9df90" ON "settlement_returntag" ("work_order_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="warrantyclaim",
                    name="outlet",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.outlet",
                        verbose_name="outlet",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "settlement_warrantyclaim_outlet_id_250ebeab"',
                    reverse_sql='CREATE INDEX "settlement_warrantyclaim_outlet_id_250ebeab" ON "settlement_warrantyclaim" ("outlet_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="returntag",
            index=models.Index(fields=["outlet", "-id"], name="return_tag_outlet_recent"),
        ),
    ]
