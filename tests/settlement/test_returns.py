"""Old-part return: tags at the visit or bench repair, shipments to the centre, inspection, and the claims
they hold."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from dispatch.services import visit_sign_off
from settlement.models import PartShipment, ReturnTag, WarrantyClaim
from settlement.services import hold_overdue_returns, shipment_receive, shipment_send
from tests.dispatch.factories import booked, engineer, onsite_order
from tests.dispatch.test_services_visit import SIGNATURE, _at, _visit_until_finished
from tests.factories import UserFactory
from tests.settlement.factories import published_price_list
from tests.settlement.test_services import _callback, _picked_up
from tests.warranty.factories import published_schedule
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def prices(network):
    published_schedule()
    return published_price_list()


def test_a_bench_repair_in_warranty_tags_each_part_replaced_with_a_ship_by_day(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    order = _picked_up(clerk, walk_in_order(clerk, network.a1), parts=(("screen", 2),))
    tags = list(ReturnTag.objects.filter(work_order=order))
    assert [t.code for t in tags] == [f"JH{order.number}-1", f"JH{order.number}-2"]
    assert {(t.part_code, t.status, t.engineer_id) for t in tags} == {("screen", "tagged", clerk.pk)}
    assert tags[0].due_on == timezone.localdate() + dt.timedelta(days=15)


def test_an_on_site_visit_tags_the_parts_used_and_an_out_of_warranty_one_none(network, prices):
    eng = engineer(network.a1, username="wang")
    order = onsite_order(network.staff[Role.HOTLINE], network.a1)
    appointment = booked(order, eng, network.staff[Role.DISPATCHER], hour=10, hours=2)
    job = type("Job", (), {"eng": eng, "appointment": appointment, "order": order, "net": network})
    from dispatch.models import Part

    Part.objects.create(code="ac-capacitor", name="启动电容")
    _visit_until_finished(job, parts_used=[{"code": "ac-capacitor", "quantity": 1}])
    with _at(11, 30):
        visit_sign_off(appointment=appointment, satisfied=True, signature=SIGNATURE, actor=eng)
    tag = ReturnTag.objects.get(work_order=order)
    assert (tag.part_code, tag.engineer, tag.appointment) == ("ac-capacitor", eng, appointment)
    paid = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    paid.in_warranty = False
    paid.save(update_fields=["in_warranty"])
    assert not ReturnTag.objects.filter(work_order=paid).exists()


def test_a_part_not_shipped_in_time_holds_the_claim_until_it_is_shipped(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    claim = order.claim
    assert claim.status == WarrantyClaim.Status.PENDING  # within the 15 days
    with time_machine.travel(timezone.now() + dt.timedelta(days=16), tick=False):
        assert hold_overdue_returns() == 1
        claim.refresh_from_db()
        assert claim.status == WarrantyClaim.Status.HELD
        assert [f["rule"] for f in claim.findings] == ["old_part_return"] and claim.findings[0]["blocking"]
        assert hold_overdue_returns() == 0  # held already: the sweep is idempotent
        tag = ReturnTag.objects.get(work_order=order)
        shipment = shipment_send(
            outlet=network.a1, tags=[tag], carrier="顺丰", tracking_number="SF1234567890", actor=clerk
        )
        claim.refresh_from_db()
        assert claim.status == WarrantyClaim.Status.PENDING and shipment.centre == network.centre_a


def test_shipping_refuses_bad_input_with_the_field_and_saves_nothing(network, prices):
    clerk = network.staff[Role.FRONT_DESK]
    order = _picked_up(clerk, walk_in_order(clerk, network.a1))
    tag = ReturnTag.objects.get(work_order=order)
    for kwargs, field in [
        ({"carrier": "", "tracking_number": "SF1"}, "carrier"),
        ({"carrier": "顺丰", "tracking_number": " "}, "tracking_number"),
        ({"carrier": "顺丰", "tracking_number": "SF1", "tags": []}, "tags"),
    ]:
        with pytest.raises(ValidationError) as exc:
            shipment_send(outlet=network.a1, actor=clerk, **({"tags": [tag]} | kwargs))
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        shipment_send(outlet=network.b1, tags=[tag], carrier="顺丰", tracking_number="SF2", actor=clerk)
    with pytest.raises(ValidationError) as exc:  # a2's clerk cannot ship a1's tag through a2
        a2_clerk = UserFactory(role=Role.FRONT_DESK, outlets=[network.a2])
        shipment_send(outlet=network.a2, tags=[tag], carrier="顺丰", tracking_number="SF3", actor=a2_clerk)
    assert "tags" in exc.value.message_dict
    assert not PartShipment.objects.exists() and ReturnTag.objects.get(pk=tag.pk).status == "tagged"
    shipment_send(outlet=network.a1, tags=[tag], carrier="顺丰", tracking_number="SF4", actor=clerk)
    with pytest.raises(ValidationError) as exc:
        shipment_send(outlet=network.a1, tags=[tag], carrier="顺丰", tracking_number="SF5", actor=clerk)
    assert "tags" in exc.value.message_dict


def test_the_centre_inspects_each_part_and_a_part_not_faulty_is_a_finding_on_the_claim(network, prices):
    clerk, supervisor = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1), parts=(("screen", 2),)))
    first, second = ReturnTag.objects.filter(work_order=order).order_by("id")
    shipment = shipment_send(
        outlet=network.a1, tags=[first, second], carrier="顺丰", tracking_number="SF9", actor=clerk
    )
    with pytest.raises(PermissionDenied):
        shipment_receive(shipment=shipment, results={}, actor=clerk)
    south = UserFactory(role=Role.SUPERVISOR, centre=network.centre_b)
    with pytest.raises(PermissionDenied):
        shipment_receive(shipment=shipment, results={}, actor=south)
    with pytest.raises(ValidationError) as exc:
        shipment_receive(
            shipment=shipment, results={first.pk: ("receive", ""), second.pk: ("not_faulty", "")}, actor=supervisor
        )
    assert f"note_{second.pk}" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        shipment_receive(shipment=shipment, results={first.pk: ("receive", "")}, actor=supervisor)
    assert f"tag_{second.pk}" in exc.value.message_dict
    shipment = shipment_receive(
        shipment=shipment,
        results={first.pk: ("receive", ""), second.pk: ("not_faulty", "检测正常，屏幕无故障")},
        actor=supervisor,
    )
    assert shipment.status == PartShipment.Status.RECEIVED and shipment.received_by == supervisor
    second.refresh_from_db()
    assert (second.status, second.inspected_by, second.inspection_note) == (
        "not_faulty",
        supervisor,
        "检测正常，屏幕无故障",
    )
    claim = WarrantyClaim.objects.get(work_order=order)
    assert claim.status == WarrantyClaim.Status.HELD
    assert [f["rule"] for f in claim.findings] == ["old_part_inspection"]
    assert f"{second.code} 无故障" in claim.finding_texts[0][1]


def test_the_outlet_ships_from_its_page_and_the_centre_inspects_from_the_shipment_page(network, prices, client_for):
    clerk, supervisor = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    order = _callback(_picked_up(clerk, walk_in_order(clerk, network.a1)))
    tag = ReturnTag.objects.get(work_order=order)
    client = client_for(clerk)
    page = client.get(reverse("returns"))
    assert page.status_code == 200 and tag.code in page.text and 'data-testid="shipment-form"' in page.text
    refused = client.post(reverse("returns"), {"carrier": "顺丰", "tracking_number": "SF77"})
    assert refused.status_code == 400 and "请选择要寄出的备件。" in refused.text
    assert "SF77" in refused.text  # what was typed is kept
    done = client.post(reverse("returns"), {"tags": [tag.pk], "carrier": "顺丰", "tracking_number": "SF77"})
    shipment = PartShipment.objects.get()
    assert done.status_code == 302 and done.url == reverse("shipment-detail", args=[shipment.pk])
    labels = client.get(reverse("return-tag-labels", args=[order.pk]))
    assert labels.status_code == 200 and tag.code in labels.text and 'data-testid="return-tag"' in labels.text
    assert 'data-testid="inspection-form"' not in client.get(reverse("shipment-detail", args=[shipment.pk])).text
    assert client.post(reverse("shipment-detail", args=[shipment.pk]), {}).status_code == 403

    centre = client_for(supervisor)
    page = centre.get(reverse("shipment-detail", args=[shipment.pk]))
    assert 'data-testid="inspection-form"' in page.text
    refused = centre.post(reverse("shipment-detail", args=[shipment.pk]), {f"tag_{tag.pk}": "wrong_part"})
    assert refused.status_code == 400 and f"请说明 {tag.code} 的检验发现。" in refused.text
    done = centre.post(
        reverse("shipment-detail", args=[shipment.pk]),
        {f"tag_{tag.pk}": "wrong_part", f"note_{tag.pk}": "寄回的是电池"},
    )
    assert done.status_code == 302
    assert ReturnTag.objects.get(pk=tag.pk).status == "wrong_part"
    order_page = client.get(reverse("work-order-detail", args=[order.pk]))
    assert 'data-testid="order-return-tags"' in order_page.text and "不是所申报的备件" in order_page.text


def test_the_returns_page_runs_a_constant_number_of_queries(network, prices, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    client = client_for(network.staff[Role.ADMIN])
    _picked_up(clerk, walk_in_order(clerk, network.a1))
    client.get(reverse("returns"))  # the first request reads the user's access into the cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("returns"))
    for n in range(3):
        order = _picked_up(clerk, walk_in_order(clerk, network.a1))
        shipment_send(
            outlet=network.a1,
            tags=list(ReturnTag.objects.filter(work_order=order)),
            carrier="顺丰",
            tracking_number=f"SF{n}",
            actor=clerk,
        )
        _picked_up(clerk, walk_in_order(clerk, network.a1))
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("returns")).status_code == 200
    assert len(more) == len(few)


def test_the_api_ships_and_inspects_under_the_same_rules(network, prices, client_for):
    clerk, supervisor = network.staff[Role.FRONT_DESK], network.staff[Role.SUPERVISOR]
    order = _picked_up(clerk, walk_in_order(clerk, network.a1), parts=(("screen", 2),))
    tags = list(ReturnTag.objects.filter(work_order=order).order_by("id"))
    client = client_for(clerk)
    listed = client.get(reverse("api-return-tag-list"), {"status": "tagged"}).json()["results"]
    assert [t["code"] for t in listed] == [t.code for t in reversed(tags)]
    refused = client.post(
        reverse("api-shipment-list"),
        {"tags": [t.pk for t in tags], "carrier": "顺丰", "tracking_number": " "},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "tracking_number" in refused.json()["error"]["fields"]
    made = client.post(
        reverse("api-shipment-list"),
        {"tags": [t.pk for t in tags], "carrier": "顺丰", "tracking_number": "SF100"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["parts"] == 2
    shipment_id = made.json()["id"]
    assert (
        client.post(
            reverse("api-shipment-inspection", args=[shipment_id]), {"results": []}, content_type="application/json"
        ).status_code
        == 403
    )
    centre = client_for(supervisor)
    incomplete = centre.post(
        reverse("api-shipment-inspection", args=[shipment_id]),
        {"results": [{"tag": tags[0].pk, "result": "receive"}]},
        content_type="application/json",
    )
    assert incomplete.status_code == 400 and f"tag_{tags[1].pk}" in incomplete.json()["error"]["fields"]
    done = centre.post(
        reverse("api-shipment-inspection", args=[shipment_id]),
        {"results": [{"tag": t.pk, "result": "receive"} for t in tags]},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "received"
    assert {t["status"] for t in done.json()["tags"]} == {"received"}


def test_the_parts_to_ship_beyond_one_box_are_counted_not_hidden(network, prices, client_for, monkeypatch):
    from settlement import views

    monkeypatch.setattr(views, "SHIP_AT_ONCE", 1)
    clerk = network.staff[Role.FRONT_DESK]
    for _ in range(2):
        _picked_up(clerk, walk_in_order(clerk, network.a1))
    page = client_for(clerk).get(reverse("returns"))
    assert len(page.context["to_ship"]) == 1 and page.context["to_ship_total"] == 2
    assert "最早的 1 件" in page.content.decode()  # the clerk is told the others wait


def test_a_centres_return_tags_are_read_outlet_by_outlet_in_the_api(network, prices, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    orders = [_picked_up(clerk, walk_in_order(clerk, network.a1), parts=(("screen", 1),)) for _ in range(3)]
    ReturnTag.objects.filter(work_order=orders[0]).update(outlet=network.a2)
    ReturnTag.objects.filter(work_order=orders[1]).update(outlet=network.b1)  # another centre's
    expected = [t.pk for t in ReturnTag.objects.filter(work_order__in=[orders[0], orders[2]]).order_by("-id")]
    client = client_for(network.staff[Role.SUPERVISOR])  # centre A: a1 and a2
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(reverse("api-return-tag-list")).json()["results"]
    assert [t["id"] for t in listed] == expected
    assert any("UNION ALL" in q["sql"] for q in queries)
