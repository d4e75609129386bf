# Foreign keys indexed by the composite indexes they lead lose their own index (one write fewer a row);
# only the index goes (AlterField would drop and re-add each foreign key, validating every row again).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_wechat"),
        ("dispatch", "0019_flagged_index"),
        ("workorders", "0028_fewer_intake_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
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
                    'DROP INDEX IF EXISTS "dispatch_appointment_outlet_id_e886679b"',
                    reverse_sql='CREATE INDEX "dispatch_appointment_outlet_id_e886679b" ON "dispatch_appointment" ("outlet_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["outlet", "-id"], name="appt_outlet_recent"),
        ),
    ]
