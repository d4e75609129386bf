"""Each outlet's stock becomes the good bin of the outlet's stock place; parts issued and still out
go back to that place when returned."""

from django.db import migrations


def to_places(apps, schema_editor):
    StockPlace = apps.get_model("dispatch", "StockPlace")
    PartStock = apps.get_model("dispatch", "PartStock")
    PartRequisition = apps.get_model("dispatch", "PartRequisition")
    Outlet = apps.get_model("core", "Outlet")
    outlets = {row.outlet_id for row in PartStock.objects.all()} | set(
        PartRequisition.objects.filter(status="issued").values_list("outlet_id", flat=True)
    )
    places = {}
    for outlet in Outlet.objects.filter(pk__in=outlets):
        places[outlet.pk] = StockPlace.objects.get_or_create(
            level="outlet", outlet_id=outlet.pk, defaults={"centre_id": outlet.centre_id}
        )[0]
    for row in PartStock.objects.all():
        row.place = places[row.outlet_id]
        row.save(update_fields=["place"])
    for requisition in PartRequisition.objects.filter(status="issued"):
        requisition.drawn_from = places[requisition.outlet_id]
        requisition.save(update_fields=["drawn_from"])


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0015_three_level_stock")]

    operations = [migrations.RunPython(to_places, migrations.RunPython.noop)]
