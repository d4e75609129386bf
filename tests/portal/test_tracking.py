"""The customer's tracking link: an unguessable token, the order's own data in plain words, the engineer only
on the day, the pickup code once repaired, a minimal page 30 days after the close, a limit per address."""

import datetime as dt
import random

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from tests.dispatch.factories import booked, engineer, onsite_order
from tests.warranty.factories import published_schedule
from tests.workorders.factories import quoted_job, repaired_paid_job, walk_in_order
from workorders.events import order_noted
from workorders.lifecycle import Status
from workorders.models import WorkOrder
from workorders.services import work_order_transition
from workorders.tracking import order_id_for, tracking_token

pytestmark = pytest.mark.django_db


def _url(order) -> str:
    return reverse("track", args=[tracking_token(order.pk)])


def test_a_token_names_one_order_and_cannot_be_made_up():
    for pk in (1, 61, 62, 123_456_789):
        assert order_id_for(tracking_token(pk)) == pk
    token = tracking_token(42)
    value, signature = token.split(":")
    assert order_id_for(f"{value}:{signature[:-1]}x") is None  # altered signature
    assert order_id_for(f"{tracking_token(43).split(':')[0]}:{signature}") is None  # another order, same signature
    assert order_id_for("42") is None and order_id_for("") is None
    assert "42" not in token.split(":")[0]  # the number is not written out


def test_the_page_shows_the_order_in_plain_words_and_nothing_of_the_staffs(network, client):
    clerk = network.staff[Role.FRONT_DESK]
    order = walk_in_order(clerk, network.a1)
    order_noted(order, actor=clerk, text="内部备注：客户难缠")
    page = client.get(_url(order))
    assert page.status_code == 200
    text = page.content.decode()
    assert "我们已收到您的报修" in text and order.number in text and network.a1.name in text
    assert "内部备注" not in text and clerk.name not in text  # no staff notes, no clerk's name
    assert order.customer.name not in text  # masked: the link may be forwarded
    assert '<meta name="robots" content="noindex">' in text


def test_a_forged_or_unknown_token_is_a_plain_404(network, client):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    assert client.get(reverse("track", args=["1:forged"])).status_code == 404
    assert client.get(reverse("track", args=[tracking_token(order.pk + 1000)])).status_code == 404
    assert client.post(_url(order)).status_code == 400 and client.put(_url(order)).status_code == 405


def test_the_engineer_is_named_with_a_badge_only_on_the_day_of_the_visit(network, client):
    eng = engineer(network.a1, username="wang")
    order = onsite_order(network.staff[Role.HOTLINE], network.a1)
    appointment = booked(order, eng, network.staff[Role.DISPATCHER], hour=10)
    before = client.get(_url(order)).content.decode()
    assert "已预约上门" in before and eng.name not in before
    with time_machine.travel(timezone.localtime(appointment.starts_at).replace(hour=8), tick=False):
        on_the_day = client.get(_url(order)).content.decode()
    assert eng.name in on_the_day and f"E{eng.pk:06d}" in on_the_day
    assert eng.username not in on_the_day  # no account names, no phone


def test_the_pickup_code_and_the_fees_once_repaired(network, client):
    published_schedule()
    order = repaired_paid_job(network.staff[Role.FRONT_DESK], network.a1)
    assert order.status == Status.REPAIRED and order.pickup_code
    text = client.get(_url(order)).content.decode()
    assert order.pickup_code in text and "¥579.00" in text


def test_thirty_days_after_the_close_the_link_shows_only_that_it_is_closed(network, client):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    order = work_order_transition(work_order=order, transition="cancel", reason="客户取消", actor=order.created_by)
    assert "已取消" in client.get(_url(order)).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        text = client.get(_url(order)).content.decode()
    assert "此工单已结束" in text and 'data-testid="timeline"' not in text and order.number not in text


def test_the_page_reads_a_constant_number_of_queries(network, client):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    client.get(_url(order))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(order)).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        order_noted(order, actor=order.created_by, text=f"备注 {n}")
    work_order_transition(
        work_order=WorkOrder.objects.get(pk=order.pk), transition="cancel", reason="x", actor=order.created_by
    )
    assert count() == few


def test_one_address_is_limited_to_sixty_requests_a_minute(network, client):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    url = _url(order)
    # Addresses of this run only: the counts live in the cache (Redis) for the minute, across test runs.
    first, second = (f"10.{random.randrange(256)}.{random.randrange(256)}.{n}" for n in (1, 2))
    with time_machine.travel(timezone.now().replace(second=5), tick=False):  # all within one minute's window
        statuses = [client.get(url, REMOTE_ADDR=first).status_code for _ in range(61)]
        assert statuses[:60] == [200] * 60 and statuses[60] == 429
        assert client.get(url, REMOTE_ADDR=second).status_code == 200  # another address is not held up


def test_the_pickup_slip_and_the_repair_record_carry_the_tracking_qr(network, client_for):
    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    order = repaired_paid_job(clerk, network.a1)
    for document in ("pickup-slip", "repair-record"):
        page = client_for(clerk).get(reverse("work-order-print", args=[order.pk, document])).content.decode()
        assert 'data-testid="tracking-qr"' in page and f'alt="http://testserver{_url(order)}"' in page


def test_the_customer_gets_the_link_by_message_at_intake(network, client, settings):
    from core.models import Notification

    settings.PUBLIC_BASE_URL = "https://service.example.cn"
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    message = Notification.objects.get(kind="order_received")
    link = f"https://service.example.cn{_url(order)}"
    assert message.to == "+8613812345678" and link in message.message and order.number in message.message
    assert client.get(_url(order)).status_code == 200  # the link opens the order


def test_staff_open_the_customers_page_from_the_order(network, client_for):
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    page = client_for(network.staff[Role.HOTLINE]).get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert f'href="{_url(order)}" data-testid="customer-page"' in page


def _booked_visit(network):
    eng = engineer(network.a1, username="wang")
    order = onsite_order(network.staff[Role.HOTLINE], network.a1)
    return order, booked(order, eng, network.staff[Role.DISPATCHER], hour=10)


def _post(client, order, appointment, **fields):
    data = {"appointment": appointment.pk, "version": appointment.version} | fields
    return client.post(_url(order), data, follow=True)


def test_the_customer_confirms_the_appointment_and_the_timeline_says_so(network, client):
    order, appointment = _booked_visit(network)
    assert 'data-testid="confirm-form"' in client.get(_url(order)).content.decode()
    done = _post(client, order, appointment, action="confirm").content.decode()
    appointment.refresh_from_db()
    assert appointment.confirmation == "confirmed" and appointment.confirmed_at is not None
    assert "预约已确认" in done and 'data-testid="confirmed"' in done and 'data-testid="confirm-form"' not in done
    note = order.events.filter(kind="note").latest("id")
    assert note.actor is None and note.message["id"] == "The customer confirmed the appointment."
    assert appointment.history.latest().history_user is None  # audited, by no staff account


def test_asking_for_another_time_reaches_the_dispatcher_and_a_stale_page_applies_nothing(network, client, client_for):
    order, appointment = _booked_visit(network)
    empty = _post(client, order, appointment, action="move", wish=" ").content.decode()
    assert "请说明您方便的日期和时间。" in empty
    appointment.refresh_from_db()
    assert appointment.reassign_requested == "" and appointment.version == 1  # nothing saved
    stale = {"appointment": appointment.pk, "version": appointment.version}
    _post(client, order, appointment, action="move", wish="周六上午")
    appointment.refresh_from_db()
    assert appointment.confirmation == "changed" and "周六上午" in appointment.reassign_requested
    home = client_for(network.staff[Role.DISPATCHER]).get(reverse("home"), follow=True).content.decode()
    assert "周六上午" in home  # among the appointments the dispatcher must act on
    again = client.post(_url(order), {**stale, "action": "confirm"}, follow=True).content.decode()
    assert "页面打开后预约已有变动" in again
    appointment.refresh_from_db()
    assert appointment.confirmation == "changed"  # the stale confirmation applied nothing


def test_another_orders_appointment_cannot_be_touched_through_this_link(network, client):
    order, appointment = _booked_visit(network)
    other = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    _post(client, other, appointment, action="confirm")
    appointment.refresh_from_db()
    assert appointment.confirmation == ""
    assert client.post(_url(order), {"action": "confirm", "appointment": "x"}).status_code == 400


def test_a_visit_signed_off_without_ratings_is_rated_once_on_the_page(network, client):
    from dispatch.models import VisitReport
    from dispatch.services import visit_sign_off
    from tests.dispatch.test_services_visit import SIGNATURE, _at, _visit_until_finished

    order, appointment = _booked_visit(network)
    job = type("Job", (), {"eng": appointment.engineer, "appointment": appointment, "order": order, "net": network})
    _visit_until_finished(job)
    with _at(11, 30):
        visit_sign_off(appointment=appointment, satisfied=True, signature=SIGNATURE, actor=appointment.engineer)
    assert VisitReport.objects.get(appointment=appointment).rating_quality is None
    assert 'data-testid="rating-form"' in client.get(_url(order)).content.decode()
    missing = client.post(
        _url(order), {"action": "rate", "quality": "4", "comment": "准时"}, follow=True
    ).content.decode()
    assert "请评 1 到 5 分。" in missing and VisitReport.objects.get(appointment=appointment).rating_quality is None
    assert 'id="quality-4" value="4" autocomplete="off" checked' in missing and ">准时</textarea>" in missing  # kept
    done = client.post(
        _url(order), {"action": "rate", "quality": "4", "attitude": "5", "comment": "师傅很细心"}, follow=True
    )
    report = VisitReport.objects.get(appointment=appointment)
    assert (report.rating_quality, report.rating_attitude, report.comment) == (4, 5, "师傅很细心")
    assert 'data-testid="rating-form"' not in done.content.decode()  # rated: the form is gone
    again = client.post(_url(order), {"action": "rate", "quality": "1", "attitude": "1"}, follow=True).content.decode()
    assert VisitReport.objects.get(appointment=appointment).rating_quality == 4 and "已评价过" in again
    assert order.events.filter(message__id__startswith="The customer rated the visit").count() == 1


def test_a_walk_in_handed_back_without_a_card_is_rated_on_the_page(network, client):
    from workorders.services import work_order_pickup

    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    order = repaired_paid_job(clerk, network.a1)
    work_order_pickup(
        work_order=order, pickup_code=order.pickup_code, payment_method="cash", signature_refused=True, actor=clerk
    )
    assert 'name="rating"' in client.get(_url(order)).content.decode()
    client.post(_url(order), {"action": "rate", "rating": "5"})
    order.refresh_from_db()
    assert order.satisfaction_rating == 5  # the card the counter would have taken: the same KPI


def test_a_complaint_from_the_page_is_feedback_the_supervisors_hear_of(network, client):
    from complaints.models import Feedback
    from core.models import Notification

    network.staff[Role.SUPERVISOR].phone = "+8613900001111"
    network.staff[Role.SUPERVISOR].save(update_fields=["phone"])
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    empty = client.post(_url(order), {"action": "write", "type": "complaint", "text": " "}, follow=True).content
    assert "请写下您想告诉我们的内容。" in empty.decode() and not Feedback.objects.exists()
    client.post(_url(order), {"action": "write", "type": "complaint", "text": "等了一周还没修好"})
    feedback = Feedback.objects.get()
    assert (feedback.type, feedback.channel, feedback.work_order, feedback.created_by) == (
        "complaint",
        "customer_page",
        order,
        None,
    )
    assert feedback.customer == order.customer and feedback.outlet == network.a1
    told = Notification.objects.get(kind="customer_wrote")  # the outlet's (centre's) supervisor, by phone
    assert told.to == "+8613900001111" and "等了一周还没修好" in told.message and order.number in told.message
    assert order.events.filter(message__id="The customer sent a %(type)s: %(text)s").exists()
    for n in range(2):
        client.post(_url(order), {"action": "write", "type": "suggestion", "text": f"建议 {n}"})
    capped = client.post(_url(order), {"action": "write", "type": "suggestion", "text": "第四条"}, follow=True)
    assert Feedback.objects.count() == 3 and "第四条" in capped.content.decode()  # refused, and what was typed kept


SIGNATURE = "data:image/png;base64,iVBORw0KGgo="


def test_the_customer_is_sent_the_quote_and_approves_it_with_a_signature(network, client, client_for):
    from core.models import Notification

    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    order = quoted_job(clerk, network.a1)
    message = Notification.objects.get(kind="quote_ready")
    assert "¥579.00" in message.message and _url(order) in message.message
    page = client.get(_url(order)).content.decode()
    assert 'data-testid="quote"' in page and "屏幕" in page and "¥579.00" in page
    unsigned = client.post(_url(order), {"action": "approve", "version": order.version}, follow=True)
    assert "请在框内签名" in unsigned.content.decode()
    order.refresh_from_db()
    assert order.status == Status.AWAITING_APPROVAL  # nothing applied without a signature
    done = client.post(
        _url(order), {"action": "approve", "version": order.version, "signature": SIGNATURE}, follow=True
    )
    assert "报价已同意" in done.content.decode() and 'data-testid="quote"' not in done.content.decode()
    order.refresh_from_db()
    assert order.status == Status.RECEIVED and order.quote_approved_at and order.quote_approved_by is None
    assert order.quote_signature == SIGNATURE
    event = order.events.filter(kind="transition").latest("id")
    assert event.actor is None and event.transition == "approve_quote" and "tracking page" in event.message["id"]
    # The counter sees who approved and the signature, and may start the repair.
    detail = client_for(clerk).get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert "在查看页同意并签名" in detail and 'data-testid="quote-signature"' in detail
    assert work_order_transition(work_order=order, transition="start_service", actor=clerk).status == Status.IN_SERVICE


def test_a_declined_quote_closes_the_order_and_a_stale_page_applies_nothing(network, client):
    published_schedule()
    clerk = network.staff[Role.FRONT_DESK]
    order = quoted_job(clerk, network.a1)
    seen = order.version
    order = work_order_transition(work_order=order, transition="approve_quote", actor=clerk)  # at the counter
    stale = client.post(_url(order), {"action": "decline", "version": seen, "reason": "太贵"}, follow=True)
    assert "报价已有变化" in stale.content.decode()
    order.refresh_from_db()
    assert order.status == Status.RECEIVED  # the counter's approval stands

    other = quoted_job(clerk, network.a1)
    done = client.post(_url(other), {"action": "decline", "version": other.version, "reason": "太贵"}, follow=True)
    assert "已拒绝报价" in done.content.decode()
    other.refresh_from_db()
    event = other.events.filter(kind="transition").latest("id")
    assert (
        other.status == Status.CLOSED
        and event.transition == "decline_quote"
        and event.message["params"]["reason"] == "太贵"
    )
