# Foreign keys indexed by the composite indexes they lead lose their own index (one write fewer a row);
# only the index goes (AlterField would drop and re-add each foreign key, validating every row again).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_lists_by_outlet"),
        ("core", "0012_wechat"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="complaintcase",
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
                    'DROP INDEX IF EXISTS "complaints_complaintcase_outlet_id_7b03102a"',
                    reverse_sql='CREATE INDEX "complaints_complaintcase_outlet_id_7b03102a" ON "complaints_complaintcase" ("outlet_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="feedback",
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
                    'DROP INDEX IF EXISTS "complaints_feedback_outlet_id_55064556"',
                    reverse_sql='CREATE INDEX "complaints_feedback_outlet_id_55064556" ON "complaints_feedback" ("outlet_id")',
                ),
            ],
        ),
    ]
