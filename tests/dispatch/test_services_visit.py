import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.datastructures import MultiValueDict

from core.models import Notification
from core.roles import Role
from dispatch.models import CHECKLIST, Appointment, VisitReport
from dispatch.services import (
    appointment_request_reassign,
    visit_confirm,
    visit_event,
    visit_late_call,
    visit_lateness,
    visit_no_show,
    visit_plan,
    visit_report_save,
    visit_sign_off,
)
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.warranty.factories import published_schedule
from warranty.models import LabourRate, PartPrice
from workorders.lifecycle import Status
from workorders.models import MessageSlip, Payment

pytestmark = pytest.mark.django_db
SIGNATURE = "data:image/png;base64,iVBORw0KGgo="
REPORT = {
    "checklist": dict.fromkeys(CHECKLIST, True),
    "proof": "proof_seen",
    "parts_complete": True,
    "diagnosis": "温控板接触不良",
    "actions": "重新插接排线",
    "test_run_result": "试机正常",
}


@pytest.fixture
def job(network):
    """An appointment tomorrow 10:00-12:00 for engineer 王 on an in-warranty air conditioner."""
    eng = engineer(network.a1, username="wang")
    order = onsite_order(network.staff[Role.HOTLINE], network.a1)
    appointment = booked(order, eng, network.staff[Role.DISPATCHER], hour=10, hours=2)
    return type("Job", (), {"eng": eng, "appointment": appointment, "order": order, "net": network})


def _at(hour, minute=0):
    return time_machine.travel(at(next_workday(), hour, minute), tick=False)


def test_confirm_and_plan_departure_before_the_visit(job):
    visit_confirm(appointment=job.appointment, confirmation="confirmed", actor=job.eng)
    planned = visit_plan(appointment=job.appointment, travel_minutes=40, actor=job.eng)
    assert planned.planned_departure_at == at(next_workday(), 9, 10)  # 40 min travel, 10 min early
    with pytest.raises(ValidationError) as exc:
        visit_confirm(appointment=job.appointment, confirmation="changed", note="", actor=job.eng)
    assert "note" in exc.value.message_dict


def test_only_the_assigned_engineer_records_the_visit(job):
    other = engineer(job.net.a1)
    with pytest.raises(PermissionDenied):
        visit_event(appointment=job.appointment, event="departed", actor=other)
    with pytest.raises(PermissionDenied):
        visit_event(appointment=job.appointment, event="departed", actor=job.net.staff[Role.DISPATCHER])


def test_the_customer_hears_the_engineer_left_with_the_badge_and_when_to_expect_them(job):
    job.eng.staff_number = "SH-0427"
    job.eng.save()
    visit_plan(appointment=job.appointment, travel_minutes=40, actor=job.eng)
    with _at(9, 15):
        visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    message = Notification.objects.get(kind="engineer_on_the_way")
    assert message.to == "+8613812345678" and "SH-0427" in message.message and "09:55" in message.message
    assert job.eng.name in message.message and str(job.eng.phone or "none") not in message.message


def test_events_go_in_order(job):
    with pytest.raises(ValidationError):
        visit_event(appointment=job.appointment, event="arrived", actor=job.eng)
    visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with pytest.raises(ValidationError):
        visit_event(appointment=job.appointment, event="started", actor=job.eng)


def test_a_full_visit_in_warranty_ends_signed_and_awaiting_callback(job):
    with _at(9, 30):
        visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with _at(9, 55):
        arrived = visit_event(appointment=job.appointment, event="arrived", actor=job.eng)
        assert arrived.late_minutes == 0
        visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT)
        visit_event(appointment=job.appointment, event="started", actor=job.eng)
    with _at(11, 0):
        visit_event(appointment=job.appointment, event="finished", actor=job.eng)
        report = visit_sign_off(
            appointment=job.appointment,
            satisfied=True,
            rating_quality=5,
            rating_attitude=4,
            signature=SIGNATURE,
            actor=job.eng,
        )

    job.order.refresh_from_db()
    job.appointment.refresh_from_db()
    assert job.appointment.status == Appointment.Status.DONE
    assert job.order.status == Status.AWAITING_CALLBACK
    assert job.order.fault_confirmed == "温控板接触不良" and job.order.actions_taken == "重新插接排线"
    assert report.signature == SIGNATURE and report.signed_off_at is not None
    assert not Payment.objects.exists()  # in warranty: nothing to pay
    with pytest.raises(ValidationError):
        visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT)  # signed: closed


def test_sign_off_needs_a_signature_or_the_reason_there_is_none(job):
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT)
        for event in ("started", "finished"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        with pytest.raises(ValidationError) as exc:
            visit_sign_off(appointment=job.appointment, satisfied=True, actor=job.eng)
        assert "signature" in exc.value.message_dict
        report = visit_sign_off(
            appointment=job.appointment, satisfied=True, signature_refused_reason="客户说不习惯签字", actor=job.eng
        )
    assert report.signature == "" and report.signature_refused_reason == "客户说不习惯签字"


def test_a_dissatisfied_customer_keeps_the_order_open_for_another_visit(job):
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT)
        for event in ("started", "finished"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        visit_sign_off(
            appointment=job.appointment,
            satisfied=False,
            rating_quality=2,
            comment="还是有异响",
            signature=SIGNATURE,
            actor=job.eng,
        )
    job.order.refresh_from_db()
    assert job.order.status == Status.AWAITING_DISPATCH
    assert "还是有异响" in job.order.events.get(transition="revisit").text


def test_lateness_counts_from_the_agreed_time_and_needs_an_apology_a_gift_is_recorded_if_given(job):
    with _at(9, 40):
        visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with _at(10, 20):  # the window runs to 12:00, but the customer agreed to 10:00
        arrived = visit_event(appointment=job.appointment, event="arrived", actor=job.eng)
        assert arrived.late_minutes == 20
        visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT)
        with pytest.raises(ValidationError) as exc:
            visit_event(appointment=job.appointment, event="started", actor=job.eng)
        assert "apology_made" in exc.value.message_dict
        visit_lateness(
            appointment=job.appointment, apology_made=True, gift_given=False, customer_refused=False, actor=job.eng
        )
        visit_event(appointment=job.appointment, event="started", actor=job.eng)  # no gift given: allowed
    job.appointment.refresh_from_db()
    assert (job.appointment.apology_made, job.appointment.gift_given) == (True, False)


def test_running_late_the_engineer_records_the_call_made_before_the_agreed_time(job):
    with _at(9, 50):
        visit_plan(appointment=job.appointment, travel_minutes=20, actor=job.eng)
        visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with _at(9, 58):
        called = visit_late_call(appointment=job.appointment, actor=job.eng)
    assert called.late_call_at == at(next_workday(), 9, 58)
    with _at(10, 10):
        visit_event(appointment=job.appointment, event="arrived", actor=job.eng)
        with pytest.raises(ValidationError):
            visit_late_call(appointment=job.appointment, actor=job.eng)  # arrived: the apology is recorded there
    with pytest.raises(PermissionDenied):
        visit_late_call(appointment=job.appointment, actor=engineer(job.net.a1))


def test_a_customer_in_a_hurry_takes_another_time_and_the_order_goes_back_to_dispatch(job):
    with _at(9, 50):
        visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with _at(10, 10):
        visit_event(appointment=job.appointment, event="arrived", actor=job.eng)
        with pytest.raises(ValidationError) as exc:
            visit_lateness(
                appointment=job.appointment,
                apology_made=False,
                gift_given=False,
                customer_refused=False,
                another_time=True,
                note="客户要出门，改明天",
                actor=job.eng,
            )
        assert "apology_made" in exc.value.message_dict
        visit_lateness(
            appointment=job.appointment,
            apology_made=True,
            gift_given=False,
            customer_refused=False,
            another_time=True,
            note="客户要出门，改明天",
            actor=job.eng,
        )
    job.appointment.refresh_from_db()
    job.order.refresh_from_db()
    assert job.appointment.status == Appointment.Status.CANCELLED
    assert job.order.status == Status.AWAITING_DISPATCH
    assert "客户要出门" in job.order.events.get(transition="revisit").text
    assert not MessageSlip.objects.exists()  # not a refusal: no manager's visit


def test_a_refusal_after_lateness_goes_back_to_dispatch_and_to_the_supervisor(job):
    with _at(11, 0):
        visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with _at(12, 30):
        visit_event(appointment=job.appointment, event="arrived", actor=job.eng)
        visit_lateness(
            appointment=job.appointment,
            apology_made=True,
            gift_given=True,
            customer_refused=True,
            note="客户不接受道歉，要求经理上门",
            actor=job.eng,
        )
    job.appointment.refresh_from_db()
    job.order.refresh_from_db()
    assert job.appointment.status == Appointment.Status.REFUSED
    assert job.order.status == Status.AWAITING_DISPATCH
    slip = MessageSlip.objects.get()
    assert slip.recipient_role == Role.SUPERVISOR and job.order.number in slip.message


def test_no_show_after_waiting_puts_the_order_back_to_dispatch(job):
    with _at(9, 50):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
    with _at(9, 53), pytest.raises(ValidationError):
        visit_no_show(appointment=job.appointment, note_left=True, centre_informed=True, actor=job.eng)
    with _at(9, 56), pytest.raises(ValidationError) as exc:
        visit_no_show(appointment=job.appointment, note_left=False, centre_informed=True, actor=job.eng)
    assert "note_left" in exc.value.message_dict
    with _at(9, 56):
        visit_no_show(appointment=job.appointment, note_left=True, centre_informed=True, actor=job.eng)
    job.appointment.refresh_from_db()
    job.order.refresh_from_db()
    assert job.appointment.status == Appointment.Status.NO_SHOW
    assert job.order.status == Status.AWAITING_DISPATCH
    assert not VisitReport.objects.exists()  # not a completed visit


def _priced_job(network, **order):
    """An air conditioner (in warranty unless told) booked with an engineer, and a fee schedule for
    chargeable work."""
    schedule = published_schedule()
    LabourRate.objects.create(schedule=schedule, category="air_conditioner", service_type="repair", amount=120)
    PartPrice.objects.create(
        schedule=schedule, code="ac-capacitor", name="启动电容", category="air_conditioner", price=Decimal("45.00")
    )
    eng = engineer(network.a1)
    order = onsite_order(network.staff[Role.HOTLINE], network.a1, **order)
    return eng, order, booked(order, eng, network.staff[Role.DISPATCHER])


def test_human_damage_ends_free_service_and_charges_need_consent_and_payment(network):
    eng, order, appointment = _priced_job(network)
    assert order.in_warranty
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=appointment, event=event, actor=eng)
        with pytest.raises(ValidationError) as exc:
            visit_report_save(appointment=appointment, actor=eng, **(REPORT | {"human_damage": True}))
        assert "human_damage_acknowledged" in exc.value.message_dict
        visit_report_save(
            appointment=appointment, actor=eng, **(REPORT | {"human_damage": True, "human_damage_acknowledged": True})
        )
        order.refresh_from_db()
        assert not order.in_warranty and order.quote_total > 0
        with pytest.raises(ValidationError) as exc:
            visit_event(appointment=appointment, event="started", actor=eng)
        assert "fee_consent" in exc.value.message_dict
        # Consent ticked with the parts that change the charges: it agreed to the total shown before.
        damaged = REPORT | {"human_damage": True, "human_damage_acknowledged": True}
        with_parts = damaged | {"parts_used": [{"code": "ac-capacitor", "quantity": 2}]}
        shown = order.quote_total
        report = visit_report_save(
            appointment=appointment, actor=eng, **(with_parts | {"fee_consent": True, "consent_total": shown})
        )
        order.refresh_from_db()
        assert not report.fee_consent and order.quote_total == 260 and order.quote_approved_at is None
        with pytest.raises(ValidationError):
            visit_event(appointment=appointment, event="started", actor=eng)
        report = visit_report_save(
            appointment=appointment, actor=eng, **(with_parts | {"fee_consent": True, "consent_total": Decimal(260)})
        )
        assert report.fee_consent
        for event in ("started", "finished"):
            visit_event(appointment=appointment, event=event, actor=eng)
        with pytest.raises(ValidationError) as exc:
            visit_sign_off(appointment=appointment, satisfied=True, signature=SIGNATURE, actor=eng)
        assert "payment_method" in exc.value.message_dict
        visit_sign_off(appointment=appointment, satisfied=True, signature=SIGNATURE, payment_method="wechat", actor=eng)
    order.refresh_from_db()
    payment = Payment.objects.get()
    assert order.quote_total == 260  # labour 120 + visit fee 50 + two capacitors at 45, from the schedule
    assert payment.amount == order.quote_total and payment.received_by == eng
    assert order.status == Status.AWAITING_CALLBACK


def test_on_site_the_lower_of_the_schedule_and_the_warranty_card_applies_per_line(network):
    eng, order, appointment = _priced_job(network)
    damaged = REPORT | {"human_damage": True, "human_damage_acknowledged": True}
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=appointment, event=event, actor=eng)
        report = visit_report_save(
            appointment=appointment,
            actor=eng,
            **damaged,
            parts_used=[{"code": "ac-capacitor", "quantity": 2}],
            card_prices={"labour": Decimal("80"), "ac-capacitor": Decimal("60")},  # the part's card price is higher
        )
    order.refresh_from_db()
    lines = {line["code"]: line for line in order.quote_lines}
    assert Decimal(lines["labour"]["amount"]) == 80 and lines["labour"]["note"]  # the card's, said so
    assert Decimal(lines["ac-capacitor"]["amount"]) == 90  # the schedule's 45 x 2
    assert order.quote_total == 80 + 50 + 90
    assert report.card_prices == {"labour": "80", "ac-capacitor": "60"}


def test_damage_in_the_home_is_compensated_at_its_price_after_approval(job):
    from complaints.models import ComplaintCase, Remedy

    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        with pytest.raises(ValidationError) as exc:
            visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT, home_damage="搬动时划伤木地板")
        assert "home_damage_compensation" in exc.value.message_dict
        for _ in range(2):  # saved twice unchanged: one compensation
            visit_report_save(
                appointment=job.appointment,
                actor=job.eng,
                **REPORT,
                home_damage="搬动时划伤木地板",
                home_damage_compensation=Decimal("300"),
            )
    case = ComplaintCase.objects.get(work_order=job.order)
    assert case.category == "home_damage" and case.handler == job.net.staff[Role.SUPERVISOR]
    remedy = Remedy.objects.get(case=case)
    assert (remedy.kind, remedy.amount, remedy.status) == ("money", Decimal("300"), Remedy.Status.AWAITING_APPROVAL)
    assert remedy.proposed_by == job.eng  # the engineer records it; a supervisor decides


def test_engineer_asks_for_reassignment_and_the_dispatcher_sees_it(job):
    appointment_request_reassign(appointment=job.appointment, reason="前一单急修未完", actor=job.eng)
    job.appointment.refresh_from_db()
    assert job.appointment.reassign_requested == "前一单急修未完"
    assert job.order.events.filter(text__contains="前一单急修未完").exists()


def test_confirmation_outside_booked_state_is_refused(job):
    visit_event(appointment=job.appointment, event="departed", actor=job.eng)
    with pytest.raises(ValidationError):
        visit_confirm(appointment=job.appointment, confirmation="confirmed", actor=job.eng)
    assert dt.timedelta(0) < job.appointment.ends_at - job.appointment.starts_at


def _visit_until_finished(job, **report):
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        visit_report_save(appointment=job.appointment, actor=job.eng, **(REPORT | report))
        for event in ("started", "finished"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)


def test_sign_off_waits_until_every_checklist_item_is_answered(job):
    _visit_until_finished(job, checklist={"service_id_shown": True, "test_run": True})
    with _at(11, 0), pytest.raises(ValidationError) as exc:
        visit_sign_off(appointment=job.appointment, satisfied=True, signature=SIGNATURE, actor=job.eng)
    message = exc.value.message_dict["checklist"][0]
    assert str(CHECKLIST["shoe_covers"]) in message and str(CHECKLIST["service_id_shown"]) not in message
    not_done = {code: "不适用：客户家中无此条件" for code in CHECKLIST if code not in ("service_id_shown", "test_run")}
    with _at(11, 0):
        visit_report_save(
            appointment=job.appointment,
            actor=job.eng,
            **(REPORT | {"checklist": {"service_id_shown": True, "test_run": True}, "checklist_not_done": not_done}),
        )
        report = visit_sign_off(appointment=job.appointment, satisfied=True, signature=SIGNATURE, actor=job.eng)
    assert report.checklist_not_done == not_done and report.signed_off_at


def test_a_visit_without_a_test_run_gets_a_callback_two_hours_after_sign_off(job):
    from followups.models import Callback

    _visit_until_finished(job, checklist=dict.fromkeys(CHECKLIST, True) | {"test_run": False}, no_test_run=True)
    with _at(11, 0):
        visit_sign_off(appointment=job.appointment, satisfied=True, signature=SIGNATURE, actor=job.eng)
    callback = Callback.objects.get(work_order=job.order, plan__code="no-test-run-2h")
    assert callback.due_at == at(next_workday(), 14, 0)  # 13:00 is in the lunch break: right after it
    assert Callback.objects.filter(work_order=job.order, plan__code="service-72h").exists()


def test_a_test_run_made_and_no_time_for_one_contradict_each_other(job):
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        with pytest.raises(ValidationError) as exc:
            visit_report_save(appointment=job.appointment, actor=job.eng, **(REPORT | {"no_test_run": True}))
    assert "no_test_run" in exc.value.message_dict


def test_the_consent_box_comes_with_the_charges_it_agrees_to(network, client_for):
    """Before chargeable work is priced the page offers no consent to tick, only the step to price it;
    once priced, the box sits under the charges with their total, and a consent to that total lets the
    work start."""
    import re

    from django.urls import reverse

    eng, order, appointment = _priced_job(network, purchase_date=dt.date(2015, 1, 1))
    assert not order.in_warranty
    with _at(9, 55):
        client = client_for(eng)  # logged in at the travelled time (sessions last 12 hours)
        for event in ("departed", "arrived"):
            visit_event(appointment=appointment, event=event, actor=eng)
        page = client.get(reverse("job-detail", args=[appointment.pk])).content.decode()
        assert 'data-testid="charges-pending"' in page and 'name="fee_consent"' not in page
        visit_report_save(appointment=appointment, actor=eng, **REPORT)
        page = client.get(reverse("job-detail", args=[appointment.pk])).content.decode()
        assert 'data-testid="charges"' in page and 'name="fee_consent"' in page
        shown = Decimal(re.search(r'name="consent_total" value="([0-9.]+)"', page)[1])
        assert shown == 170  # labour 120 + visit 50, as the page shows them
        with pytest.raises(ValidationError):
            visit_event(appointment=appointment, event="started", actor=eng)
        visit_report_save(
            appointment=appointment, actor=eng, **(REPORT | {"fee_consent": True, "consent_total": shown})
        )
        visit_event(appointment=appointment, event="started", actor=eng)
    appointment.refresh_from_db()
    assert appointment.status == "on_site" and appointment.started_at is not None


def test_parts_are_typed_and_read_by_name(network, client_for):
    """The engineer writes the part as the catalogue names it; the report keeps its code (for the price)
    and both names, and the customer reads the name on the sign-off card and the printed record."""
    from django.urls import reverse
    from django.utils import translation

    from dispatch.forms import ReportForm
    from dispatch.models import Part

    Part.objects.create(code="ac-capacitor", name="启动电容", name_en="Start capacitor")
    eng, order, appointment = _priced_job(network)
    Part.objects.create(code="old-capacitor", name="旧电容", active=False)
    typed = ["启动电容", "Start capacitor", "ac-capacitor", "旧电容"]
    form = ReportForm(
        MultiValueDict({"proof": ["invoice"], "parts_used-item": typed, "parts_used-amount": ["2", "", "", "1"]})
    )
    form.is_valid()
    assert form.cleaned_data["parts_used"] == [
        {"code": "ac-capacitor", "quantity": 2},
        {"code": "ac-capacitor", "quantity": 1},
        {"code": "ac-capacitor", "quantity": 1},
        {"code": "旧电容", "quantity": 1},  # no longer in the catalogue: kept as typed
    ]
    assert "Start capacitor" in str(form["parts_used"]) or "启动电容" in str(form["parts_used"])  # suggested
    damaged = REPORT | {"human_damage": True, "human_damage_acknowledged": True}
    with _at(9, 55):
        for event in ("departed", "arrived"):
            visit_event(appointment=appointment, event=event, actor=eng)
        report = visit_report_save(
            appointment=appointment, actor=eng, **(damaged | {"parts_used": [{"code": "启动电容", "quantity": 2}]})
        )
    assert report.parts_used == [
        {"code": "ac-capacitor", "quantity": 2, "name": "启动电容", "name_en": "Start capacitor"}
    ]
    order.refresh_from_db()
    assert order.quote_total == 260  # priced by the code: 120 + 50 + 2 x 45
    printed = client_for(eng).get(reverse("service-record", args=[appointment.pk])).content.decode()
    assert "启动电容 ×2" in printed and "ac-capacitor" not in printed
    with translation.override("en"):
        from dispatch.templatetags.parts import part_label

        assert part_label(report.parts_used[0]) == "Start capacitor"
