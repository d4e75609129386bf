"""Parts stock in three levels: places, bins, transfers, movements, reorder points, and requisitions
that draw from the engineer's van before the outlet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from dispatch.models import Part, PartStock, StockMovement, StockPlace, StockTransfer
from dispatch.selectors import stock_list
from dispatch.services import (
    part_requisition_issue,
    part_requisition_request,
    part_requisition_return,
    part_requisition_use,
    place_for_key,
    place_of_centre,
    place_of_outlet,
    place_of_van,
    reorder_point_set,
    stock_count,
    stock_receive,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)
from tests.dispatch.factories import booked, engineer, onsite_order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GOOD, DEFECTIVE = PartStock.Bin.GOOD, PartStock.Bin.DEFECTIVE


@pytest.fixture
def net(network):
    """Centre A's warehouse holds 10 capacitors; outlet a1 holds 4; engineer 王 (a1) has an empty van."""
    sv, dp = network.staff[Role.SUPERVISOR], network.staff[Role.DISPATCHER]
    part = Part.objects.create(code="capacitor", name="启动电容")
    eng = engineer(network.a1, username="wang")
    warehouse, a1 = place_of_centre(network.a1.centre), place_of_outlet(network.a1)
    stock_receive(place=warehouse, part=part, quantity=10, note="到货单 0001", actor=sv)
    stock_receive(place=a1, part=part, quantity=4, actor=dp)
    return type(
        "Net",
        (),
        {
            "n": network,
            "sv": sv,
            "dp": dp,
            "eng": eng,
            "part": part,
            "warehouse": warehouse,
            "a1": a1,
            "van": place_of_van(eng),
        },
    )


def _qty(place, part, bin=GOOD) -> int:
    row = PartStock.objects.filter(place=place, part=part, bin=bin).first()
    return row.quantity if row else 0


def _deliver(net, source, destination, quantity, actor=None, bin=GOOD):
    actor = actor or net.sv
    transfer = transfer_request(
        source=source, destination=destination, part=net.part, quantity=quantity, bin=bin, actor=actor
    )
    transfer_ship(transfer=transfer, tracking="SF1234567890", actor=actor)
    return transfer_receive(transfer=transfer, actor=actor)


def test_a_transfer_leaves_the_source_when_shipped_and_arrives_when_received(net):
    transfer = transfer_request(source=net.warehouse, destination=net.a1, part=net.part, quantity=6, actor=net.dp)
    assert (_qty(net.warehouse, net.part), _qty(net.a1, net.part)) == (10, 4)  # a request moves nothing
    assert stock_list(user=net.dp).get(place=net.a1, part=net.part).on_the_way == 6

    with pytest.raises(PermissionDenied):
        transfer_ship(transfer=transfer, actor=net.dp)  # an outlet's dispatcher does not keep the warehouse
    with pytest.raises(ValidationError):
        transfer_receive(transfer=transfer, actor=net.dp)  # not shipped yet
    transfer_ship(transfer=transfer, tracking="SF1234567890", actor=net.sv)
    assert (_qty(net.warehouse, net.part), _qty(net.a1, net.part)) == (4, 4)
    transfer_receive(transfer=transfer, actor=net.dp)
    assert (_qty(net.warehouse, net.part), _qty(net.a1, net.part)) == (4, 10)

    transfer.refresh_from_db()
    assert transfer.status == StockTransfer.Status.RECEIVED and transfer.tracking == "SF1234567890"
    history = StockMovement.objects.filter(transfer=transfer).order_by("id")
    assert [(m.stock.place_id, m.change, m.balance, m.reason) for m in history] == [
        (net.warehouse.pk, -6, 4, StockMovement.Reason.SHIPPED),
        (net.a1.pk, 6, 10, StockMovement.Reason.ARRIVED),
    ]


def test_shipping_more_than_the_source_holds_is_refused_and_nothing_moves(net):
    transfer = transfer_request(source=net.a1, destination=net.van, part=net.part, quantity=5, actor=net.dp)
    with pytest.raises(ValidationError) as refused:
        transfer_ship(transfer=transfer, actor=net.dp)
    message = refused.value.message_dict["quantity"][0]
    assert "4" in message and "启动电容" in message  # how many there are, of what
    transfer.refresh_from_db()
    assert transfer.status == StockTransfer.Status.REQUESTED and _qty(net.a1, net.part) == 4
    assert not StockMovement.objects.filter(transfer=transfer).exists()


def test_parts_follow_the_routes_between_levels_within_one_centre(net):
    b1 = place_of_outlet(net.n.b1)
    with pytest.raises(ValidationError) as other_centre:
        transfer_request(source=net.a1, destination=b1, part=net.part, quantity=1, actor=net.sv)
    assert "destination" in other_centre.value.message_dict
    with pytest.raises(ValidationError) as skip_a_level:
        transfer_request(source=net.warehouse, destination=net.van, part=net.part, quantity=1, actor=net.sv)
    assert "destination" in skip_a_level.value.message_dict
    with pytest.raises(ValidationError):
        transfer_request(source=net.a1, destination=net.a1, part=net.part, quantity=1, actor=net.sv)
    a2 = place_of_outlet(net.n.a2)
    assert transfer_request(source=net.a1, destination=a2, part=net.part, quantity=1, actor=net.sv).pk  # lent


def test_an_engineer_keeps_only_their_own_van(net):
    other = engineer(net.n.a1, username="li")
    with pytest.raises(PermissionDenied):
        transfer_request(source=net.a1, destination=place_of_van(other), part=net.part, quantity=1, actor=net.eng)
    asked = transfer_request(source=net.a1, destination=net.van, part=net.part, quantity=2, actor=net.eng)
    with pytest.raises(PermissionDenied):
        transfer_ship(transfer=asked, actor=net.eng)  # the outlet sends it
    transfer_ship(transfer=asked, actor=net.dp)
    transfer_receive(transfer=asked, actor=net.eng)
    assert _qty(net.van, net.part) == 2


def test_a_request_is_cancelled_with_a_reason_and_only_before_it_ships(net):
    transfer = transfer_request(source=net.warehouse, destination=net.a1, part=net.part, quantity=1, actor=net.dp)
    with pytest.raises(ValidationError) as no_reason:
        transfer_cancel(transfer=transfer, reason=" ", actor=net.dp)
    assert "reason" in no_reason.value.message_dict
    cancelled = transfer_cancel(transfer=transfer, reason="已从浦东网点借到", actor=net.dp)
    assert cancelled.status == StockTransfer.Status.CANCELLED and "已从浦东网点借到" in cancelled.note
    shipped = transfer_request(source=net.warehouse, destination=net.a1, part=net.part, quantity=1, actor=net.dp)
    transfer_ship(transfer=shipped, actor=net.sv)
    with pytest.raises(ValidationError):
        transfer_cancel(transfer=shipped, reason="太晚了", actor=net.dp)


def test_requisitions_draw_from_the_van_first_and_return_where_they_came_from(net):
    _deliver(net, net.a1, net.van, 2)
    order = onsite_order(net.n.staff[Role.HOTLINE], net.n.a1)
    booked(order, net.eng, net.dp)
    from_van = part_requisition_request(work_order=order, part=net.part, quantity=2, actor=net.eng)
    part_requisition_issue(requisition=from_van, actor=net.dp)
    from_van.refresh_from_db()
    assert from_van.drawn_from == net.van and _qty(net.van, net.part) == 0 and _qty(net.a1, net.part) == 2

    from_outlet = part_requisition_request(work_order=order, part=net.part, quantity=1, actor=net.eng)
    part_requisition_issue(requisition=from_outlet, actor=net.dp)  # the van is empty now
    from_outlet.refresh_from_db()
    assert from_outlet.drawn_from == net.a1 and _qty(net.a1, net.part) == 1

    part_requisition_return(requisition=from_van, actor=net.eng)
    assert _qty(net.van, net.part) == 2  # back into the van, not the outlet
    part_requisition_use(requisition=from_outlet, actor=net.eng)
    assert _qty(net.a1, net.part, DEFECTIVE) == 1  # the old part taken out waits to go back up
    reasons = list(
        StockMovement.objects.filter(requisition__in=[from_van, from_outlet])
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == ["issued", "issued", "returned", "old_part"]


def test_defective_parts_go_back_up_to_the_warehouse(net):
    order = onsite_order(net.n.staff[Role.HOTLINE], net.n.a1)
    booked(order, net.eng, net.dp)
    requisition = part_requisition_request(work_order=order, part=net.part, quantity=1, actor=net.eng)
    part_requisition_issue(requisition=requisition, actor=net.dp)
    part_requisition_use(requisition=requisition, actor=net.eng)
    _deliver(net, net.a1, net.warehouse, 1, bin=DEFECTIVE)
    assert _qty(net.a1, net.part, DEFECTIVE) == 0 and _qty(net.warehouse, net.part, DEFECTIVE) == 1
    assert _qty(net.warehouse, net.part, GOOD) == 10  # the good bin untouched


def test_the_database_keeps_counts_and_places_consistent(net):
    row = PartStock.objects.get(place=net.a1, part=net.part, bin=GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartStock.objects.filter(pk=row.pk).update(quantity=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartStock.objects.create(place=net.a1, part=net.part, bin=DEFECTIVE, reorder_point=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockPlace.objects.create(level=StockPlace.Level.VAN, centre=net.n.a1.centre, outlet=net.n.a1)  # whose van?
    with pytest.raises(IntegrityError), transaction.atomic():
        StockPlace.objects.create(level=StockPlace.Level.OUTLET, centre=net.n.a1.centre, outlet=net.n.a1)  # twice
    with pytest.raises(IntegrityError), transaction.atomic():
        StockTransfer.objects.create(source=net.a1, destination=net.a1, part=net.part, quantity=1, requested_by=net.dp)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(stock=row, change=0, balance=4, reason="counted", actor=net.dp)


def test_the_list_to_reorder_counts_parts_on_their_way(net):
    reorder_point_set(outlet=net.n.a1, part=net.part, reorder_point=6, actor=net.dp)
    listed = stock_list(user=net.dp, to_reorder=True)
    assert [(r.place_id, r.quantity, r.on_the_way) for r in listed] == [(net.a1.pk, 4, 0)]
    transfer_request(source=net.warehouse, destination=net.a1, part=net.part, quantity=2, actor=net.dp)
    assert not stock_list(user=net.dp, to_reorder=True).exists()  # 4 + 2 on the way reach the point
    with pytest.raises(PermissionDenied):
        reorder_point_set(outlet=net.n.b1, part=net.part, reorder_point=2, actor=net.dp)


def test_a_stock_count_corrects_the_books_with_its_reason(net):
    row = PartStock.objects.get(place=net.a1, part=net.part, bin=GOOD)
    with pytest.raises(ValidationError) as no_reason:
        stock_count(stock=row, counted=3, note="", actor=net.dp)
    assert "note" in no_reason.value.message_dict
    with pytest.raises(ValidationError):
        stock_count(stock=row, counted=4, note="盘点", actor=net.dp)  # matches: nothing to correct
    stock_count(stock=row, counted=3, note="盘点少一个", actor=net.dp)
    movement = StockMovement.objects.filter(stock=row).latest("id")
    assert (movement.change, movement.balance, movement.reason) == (-1, 3, StockMovement.Reason.COUNTED)


def test_places_are_named_only_within_the_callers_scope(net):
    assert place_for_key(f"outlet-{net.n.a1.pk}", net.dp) == net.a1
    assert place_for_key(f"centre-{net.n.a1.centre_id}", net.dp) == net.warehouse  # the warehouse it orders from
    for key in (f"outlet-{net.n.b1.pk}", f"centre-{net.n.b1.centre_id}", "outlet-x", "shop-1", ""):
        with pytest.raises(ValidationError):
            place_for_key(key, net.dp)
    b_clerk = UserFactory(role=Role.FRONT_DESK, outlets=[net.n.b1])
    assert not stock_list(user=b_clerk).exists()


# --- API ------------------------------------------------------------------------------------------


def test_api_transfers_from_request_to_receipt_with_field_errors(net, client_for):
    api = client_for(net.dp)
    url = reverse("api-transfer-list")
    bad = api.post(
        url,
        {
            "source": f"centre-{net.n.b1.centre_id}",
            "destination": f"outlet-{net.n.a1.pk}",
            "part": "capacitor",
            "quantity": 1,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "source" in bad.json()["error"]["fields"]
    asked = api.post(
        url,
        {
            "source": f"centre-{net.n.a1.centre_id}",
            "destination": f"outlet-{net.n.a1.pk}",
            "part": "capacitor",
            "quantity": 3,
        },
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    assert api.post(reverse("api-transfer-action", args=[pk, "ship"])).status_code == 403  # the centre ships
    sv_api = client_for(net.sv)
    shipped = sv_api.post(
        reverse("api-transfer-action", args=[pk, "ship"]), {"tracking": "SF99"}, content_type="application/json"
    )
    assert shipped.json()["status"] == "shipped" and shipped.json()["tracking"] == "SF99"
    api = client_for(net.dp)
    assert api.post(reverse("api-transfer-action", args=[pk, "receive"])).json()["status"] == "received"
    stock = {(s["place"], s["bin"]): s["quantity"] for s in api.get(reverse("api-part-stock")).json()["results"]}
    assert stock[(f"outlet-{net.n.a1.pk}", "good")] == 7 and stock[(f"centre-{net.n.a1.centre_id}", "good")] == 7

    stranger = client_for(UserFactory(role=Role.DISPATCHER, outlets=[net.n.b1]))
    assert stranger.post(reverse("api-transfer-action", args=[pk, "receive"])).status_code == 404
    assert stranger.get(url).json()["results"] == []


def test_api_reorder_points_counts_and_movements(net, client_for):
    api = client_for(net.dp)
    made = api.post(
        reverse("api-reorder-point"),
        {"outlet": net.n.a1.pk, "part": "capacitor", "reorder_point": 5},
        content_type="application/json",
    )
    assert made.json()["reorder_point"] == 5
    listed = api.get(reverse("api-part-stock"), {"reorder": "1"}).json()["results"]
    assert [(r["place"], r["quantity"]) for r in listed] == [(f"outlet-{net.n.a1.pk}", 4)]
    row = PartStock.objects.get(place=net.a1, part=net.part, bin=GOOD)
    refused = api.post(
        reverse("api-stock-movements", args=[row.pk]), {"counted": -1, "note": "x"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "counted" in refused.json()["error"]["fields"]
    counted = api.post(
        reverse("api-stock-movements", args=[row.pk]), {"counted": 2, "note": "盘点"}, content_type="application/json"
    )
    assert counted.json()["quantity"] == 2
    moves = api.get(reverse("api-stock-movements", args=[row.pk])).json()["results"]
    assert [(m["change"], m["balance"], m["reason"]) for m in moves] == [(-2, 2, "counted"), (4, 4, "received")]
    hotline = client_for(net.n.staff[Role.HOTLINE])
    assert hotline.get(reverse("api-stock-movements", args=[row.pk])).status_code == 200  # sees
    assert (
        hotline.post(
            reverse("api-stock-movements", args=[row.pk]), {"counted": 1, "note": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


# --- Pages ----------------------------------------------------------------------------------------


def test_the_stock_pages_receive_order_ship_and_receive(net, client_for):
    reorder_point_set(outlet=net.n.a1, part=net.part, reorder_point=6, actor=net.dp)
    clerk = client_for(net.n.staff[Role.FRONT_DESK])
    refused = clerk.post(
        reverse("stock"),
        {
            "form": "receive",
            "receive-place": f"outlet-{net.n.b1.pk}",
            "receive-part": net.part.pk,
            "receive-quantity": 1,
        },
    )
    assert refused.status_code == 200
    assert refused.context["forms"]["receive"].errors["place"]  # the other centre's outlet, next to the field

    to_reorder = clerk.get(reverse("stock"), {"reorder": "1"})
    row = PartStock.objects.get(place=net.a1, part=net.part, bin=GOOD)
    assert f"order-{row.pk}" in to_reorder.content.decode()
    prefilled = clerk.get(
        reverse("stock-transfers"),
        {
            "source": f"centre-{net.n.a1.centre_id}",
            "destination": f"outlet-{net.n.a1.pk}",
            "part": net.part.pk,
            "quantity": 2,
        },
    )
    assert prefilled.context["form"]["quantity"].value() == "2"
    clerk.post(
        reverse("stock-transfers"),
        {
            "source": f"centre-{net.n.a1.centre_id}",
            "destination": f"outlet-{net.n.a1.pk}",
            "part": net.part.pk,
            "bin": GOOD,
            "quantity": 2,
        },
    )
    transfer = StockTransfer.objects.get()
    page = clerk.get(reverse("stock-transfers")).content.decode()
    assert (
        f"ship-{transfer.pk}" not in page and f"cancel-{transfer.pk}" in page
    )  # the clerk cannot ship from the warehouse
    supervisor = client_for(net.sv)
    assert f"ship-{transfer.pk}" in supervisor.get(reverse("stock-transfers")).content.decode()
    supervisor.post(reverse("stock-transfer-act", args=[transfer.pk, "ship"]), {"tracking": "SF42"})
    clerk = client_for(net.n.staff[Role.FRONT_DESK])
    assert f"receive-{transfer.pk}" in clerk.get(reverse("stock-transfers"), {"status": "shipped"}).content.decode()
    clerk.post(reverse("stock-transfer-act", args=[transfer.pk, "receive"]))
    assert _qty(net.a1, net.part) == 6
    detail = clerk.get(reverse("stock-detail", args=[row.pk])).content.decode()
    assert "SF42" in detail and "+2" in detail


def test_the_movements_page_runs_a_constant_number_of_queries(net, client_for):
    row = PartStock.objects.get(place=net.a1, part=net.part, bin=GOOD)
    client = client_for(net.dp)
    url = reverse("stock-detail", args=[row.pk])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(4):
        _deliver(net, net.warehouse, net.a1, 1)
        _deliver(net, net.a1, net.van, 1)
    assert count() == few


def test_an_engineer_finds_their_van_from_their_jobs(net, client_for):
    _deliver(net, net.a1, net.van, 2)
    other_van = place_of_van(engineer(net.n.a1, username="li"))
    _deliver(net, net.a1, other_van, 1)
    client = client_for(net.eng)
    jobs = client.get(reverse("my-jobs")).content.decode()
    link = f"{reverse('stock')}?place=van-{net.eng.pk}"
    assert link in jobs
    rows = client.get(link).context["page"].items
    assert [(row.place_id, row.quantity) for row in rows] == [(net.van.pk, 2)]  # not the other engineer's van
    api = client.get(reverse("api-part-stock"), {"place": f"van-{net.eng.pk}"}).json()["results"]
    assert [(r["place"], r["quantity"]) for r in api] == [(f"van-{net.eng.pk}", 2)]


def test_a_delivery_through_the_api_answers_the_row_whatever_the_query_string_filters(net, client_for):
    api = client_for(net.dp)
    received = api.post(
        f"{reverse('api-part-stock')}?level=centre",
        {"place": f"outlet-{net.n.a1.pk}", "part": "capacitor", "quantity": 2, "note": "到货单 0002"},
        content_type="application/json",
    )
    assert received.status_code == 200 and received.json()["quantity"] == 6  # 4 + 2, an outlet's row
    refused = api.post(
        reverse("api-part-stock"),
        {"place": f"van-{net.eng.pk}", "part": "capacitor", "quantity": 1},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "place" in refused.json()["error"]["fields"]  # vans by transfer only


def test_a_centre_supervisor_searches_places_as_typed_and_the_scope_still_holds(net, client_for):
    supervisor = client_for(net.sv)  # centre A: its warehouse, a1, a2 and their vans
    page = supervisor.get(reverse("stock-transfers"), {"source": f"centre-{net.n.a1.centre_id}"}).content.decode()
    picker = page[page.index('<select name="source"') : page.index("</select>", page.index('<select name="source"'))]
    assert 'data-search-url="/dispatch/stock/places/"' in picker
    assert picker.count("<option") == 2 and f'value="centre-{net.n.a1.centre_id}" selected' in picker  # the one picked
    found = supervisor.get(reverse("stock-place-options"), {"q": "wang"}).json()["results"]
    assert [row["value"] for row in found] == [f"van-{net.eng.pk}"]
    everything = {row["value"] for row in supervisor.get(reverse("stock-place-options")).json()["results"]}
    assert f"outlet-{net.n.a1.pk}" in everything and f"outlet-{net.n.b1.pk}" not in everything
    refused = supervisor.post(
        reverse("stock-transfers"),
        {
            "source": f"outlet-{net.n.b1.pk}",
            "destination": f"outlet-{net.n.a1.pk}",
            "part": net.part.pk,
            "bin": "good",
            "quantity": 1,
        },
    )
    assert refused.status_code == 200 and refused.context["form"].errors["source"]  # another centre's outlet
    supervisor.post(
        reverse("stock-transfers"),
        {
            "source": f"centre-{net.n.a1.centre_id}",
            "destination": f"outlet-{net.n.a2.pk}",
            "part": net.part.pk,
            "bin": "good",
            "quantity": 1,
        },
    )
    assert StockTransfer.objects.filter(destination=place_of_outlet(net.n.a2)).exists()  # a searched key is taken
