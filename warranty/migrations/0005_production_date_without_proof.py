"""Without proof of purchase the appliance policies count from the production date on the barcode label
plus 90 days (the service manuals: "without proof, from the product's serial/barcode date"), as the
phone policies already did; repair only, no return or exchange. Only the seeded first terms change, and
only where an admin has not chosen otherwise."""

import datetime

from django.db import migrations

SINCE = datetime.date(2000, 1, 1)  # the seeded terms (0002_seed_policies)
APPLIANCES = ["tv", "refrigerator", "washing_machine", "air_conditioner", "microwave", "pc"]


def count_from_production_date(apps, schema_editor):
    Version = apps.get_model("warranty", "PolicyVersion")
    Version.objects.filter(policy__code__in=APPLIANCES, effective_from=SINCE, no_proof_rule="paid_only").update(
        no_proof_rule="serial_date", no_proof_grace_days=90
    )


class Migration(migrations.Migration):
    dependencies = [("warranty", "0004_fee_permissions")]
    operations = [migrations.RunPython(count_from_production_date, migrations.RunPython.noop)]
