"""Ready notification, pickup with payment and receipt, signature and the satisfaction card."""

import logging
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Notification
from core.notify import notifications_send
from core.roles import Role
from tests.warranty.factories import published_schedule
from tests.workorders.factories import repaired_paid_job, walk_in_order
from workorders.lifecycle import Status
from workorders.models import Payment
from workorders.services import work_order_pickup, work_order_transition

pytestmark = pytest.mark.django_db
SIGNATURE = "data:image/png;base64,iVBORw0KGgo="


def _repaired(order, actor):
    for step in ("start_service", "finish_repair"):
        order = work_order_transition(work_order=order, transition=step, actor=actor)
    return order


@pytest.fixture
def paid_job(network):
    """An out-of-warranty walk-in, quoted ¥579.00, approved and repaired."""
    published_schedule()
    return repaired_paid_job(network.staff[Role.FRONT_DESK], network.a1)


def test_finishing_a_walk_in_tells_the_customer_through_the_outbox(network, caplog):
    caplog.set_level(logging.INFO, logger="notifications")
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    _repaired(order, clerk)
    message = Notification.objects.get(kind="ready_for_pickup")
    assert message.to == "+8613812345678" and order.pickup_code in message.message
    assert notifications_send() == 2 and notifications_send() == 0  # the intake's link and this, each once
    record = next(r for r in caplog.records if r.name == "notifications" and "ready_for_pickup" in r.getMessage())
    assert "kind=ready_for_pickup" in record.getMessage() and order.pickup_code not in record.getMessage()


def test_pickup_takes_payment_with_a_receipt_and_hands_back(network, paid_job):
    clerk = network.staff[Role.FRONT_DESK]
    order = work_order_pickup(
        work_order=paid_job,
        pickup_code=paid_job.pickup_code,
        payment_method="wechat",
        signature=SIGNATURE,
        rating=5,
        comment="很满意",
        actor=clerk,
    )
    assert order.status == Status.AWAITING_CALLBACK
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.receipt_number) == (
        Decimal("579.00"),
        "wechat",
        f"R{order.number}-1",
    )
    assert order.satisfaction_rating == 5 and order.pickup_signature == SIGNATURE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pickup_code": "000000x"}, "pickup_code"),
        ({"payment_method": ""}, "payment_method"),
        ({"signature": ""}, "signature"),
        ({"rating": 9}, "rating"),
    ],
)
def test_pickup_refusals_name_the_field_and_save_nothing(network, paid_job, changes, field):
    args = {"pickup_code": paid_job.pickup_code, "payment_method": "cash", "signature": SIGNATURE, "rating": 4}
    with pytest.raises(ValidationError) as exc:
        work_order_pickup(work_order=paid_job, actor=network.staff[Role.FRONT_DESK], **(args | changes))
    assert field in exc.value.message_dict
    paid_job.refresh_from_db()
    assert paid_job.status == Status.REPAIRED and not Payment.objects.exists()


def test_in_warranty_pickup_costs_nothing_and_a_refusal_to_sign_is_recorded(network):
    clerk = network.staff[Role.FRONT_DESK]
    order = _repaired(walk_in_order(clerk, network.a1), clerk)
    order = work_order_pickup(work_order=order, pickup_code=order.pickup_code, signature_refused=True, actor=clerk)
    assert order.pickup_signature_refused and not Payment.objects.exists()


def test_pickup_page(network, paid_job, client_for):
    client = client_for(network.staff[Role.FRONT_DESK])
    page = client.get(reverse("work-order-pickup", args=[paid_job.pk]))
    assert "¥579.00" in page.text and 'data-testid="signature-pad"' in page.text
    wrong = client.post(
        reverse("work-order-pickup", args=[paid_job.pk]),
        {"pickup_code": "x", "payment_method": "cash", "signature": SIGNATURE},
    )
    assert "pickup_code" in wrong.context["form"].errors
    done = client.post(
        reverse("work-order-pickup", args=[paid_job.pk]),
        {"pickup_code": paid_job.pickup_code, "payment_method": "cash", "signature": SIGNATURE, "rating": "5"},
    )
    assert done.status_code == 302
    detail = client.get(reverse("work-order-detail", args=[paid_job.pk]))
    assert f"R{paid_job.number}-1" in detail.text


def test_prints_are_chinese_by_default_and_english_on_request(network, paid_job, client_for):
    clerk = network.staff[Role.FRONT_DESK]
    clerk.language = "en"
    clerk.save(update_fields=["language"])
    client = client_for(clerk)
    record = client.get(reverse("work-order-print", args=[paid_job.pk, "repair-record"]))
    assert "维修记录" in record.text and "用户联" in record.text and "网点联" in record.text
    assert paid_job.number in record.text and "¥579.00" in record.text
    english = client.get(reverse("work-order-print", args=[paid_job.pk, "pickup-slip"]), {"lang": "en"})
    assert "Pickup slip" in english.text and paid_job.pickup_code in english.text
    assert client.get(reverse("work-order-print", args=[paid_job.pk, "nonsense"])).status_code == 404
    work_order_pickup(
        work_order=paid_job, pickup_code=paid_job.pickup_code, payment_method="cash", signature=SIGNATURE, actor=clerk
    )
    receipt = client.get(reverse("work-order-print", args=[paid_job.pk, "receipt"]))
    assert f"R{paid_job.number}-1" in receipt.text and "现金" in receipt.text
