"""Each outlet's stock becomes the good bin of the outlet's stock place; parts issued and still out
go back to that place when returned; the stock's history (django-simple-history's rows) becomes its first
movements, each change with the balance after it (rows saved by no one, from scripts, have no actor to
name and are left out)."""

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
    _history_to_movements(apps)


def _history_to_movements(apps):
    PartStock = apps.get_model("dispatch", "PartStock")
    StockMovement = apps.get_model("dispatch", "StockMovement")
    HistoricalPartStock = apps.get_model("dispatch", "HistoricalPartStock")
    rows = {(row.outlet_id, row.part_id): row for row in PartStock.objects.all()}
    before = {}
    for record in HistoricalPartStock.objects.order_by("history_date", "history_id"):
        key = (record.outlet_id, record.part_id)
        change = record.quantity - before.get(key, 0)
        before[key] = record.quantity
        if change == 0 or record.history_user_id is None or key not in rows:
            continue
        movement = StockMovement.objects.create(
            stock=rows[key],
            change=change,
            balance=record.quantity,
            reason="received" if change > 0 else "issued",
            actor_id=record.history_user_id,
        )
        StockMovement.objects.filter(pk=movement.pk).update(at=record.history_date)  # `at` is auto_now_add


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0015_three_level_stock")]

    operations = [migrations.RunPython(to_places, migrations.RunPython.noop)]
