"""Payments keep their order's outlet (revenue per outlet and period from one index): add the column,
fill it from the orders, then make it required."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_notifications_outbox"),
        ("workorders", "0010_kpi_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="payment",
            name="payment_received",
        ),
        migrations.AddField(
            model_name="payment",
            name="outlet",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.outlet",
                verbose_name="outlet",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["outlet", "received_at"], name="payment_outlet_received"),
        ),
        migrations.RunSQL(
            "UPDATE workorders_payment SET outlet_id = (SELECT outlet_id FROM workorders_workorder o "
            "WHERE o.id = workorders_payment.work_order_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="payment",
            name="outlet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.outlet",
                verbose_name="outlet",
            ),
        ),
    ]
