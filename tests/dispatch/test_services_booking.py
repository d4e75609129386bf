import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from core.models import Notification
from core.roles import Role
from dispatch.models import Appointment, AppointmentChange
from dispatch.services import appointment_book, appointment_reassign, appointment_reschedule, appointment_unbook
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from workorders.lifecycle import Status
from workorders.services import work_order_transition
from workorders.templatetags.tracking import tracking_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(network):
    hl, dp = network.staff[Role.HOTLINE], network.staff[Role.DISPATCHER]
    return type("Desk", (), {"hl": hl, "dp": dp, "eng": engineer(network.a1, username="wang"), "net": network})


def test_booking_schedules_the_order_and_records_it(desk):
    order = onsite_order(desk.hl, desk.net.a1)
    assert order.status == Status.AWAITING_DISPATCH

    appointment = booked(order, desk.eng, desk.dp)

    order.refresh_from_db()
    assert order.status == Status.SCHEDULED
    assert appointment.outlet == desk.net.a1 and appointment.status == Appointment.Status.BOOKED
    assert order.events.filter(transition="schedule", actor=desk.dp).exists()
    told = Notification.objects.get(kind="appointment_confirmed")
    assert told.to == "+8613812345678" and order.number in told.message
    assert tracking_path(order) in told.message  # where to confirm it or ask for another time


def test_a_moved_visit_is_told_as_a_change_with_the_new_time(desk):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    day = next_workday()
    appointment_reschedule(
        appointment=appointment,
        starts_at=at(day, 14),
        ends_at=at(day, 16),
        reason="客户要求",
        customer_agreed=True,
        actor=desk.dp,
    )
    changed = Notification.objects.get(kind="appointment_changed")
    assert "14:00–16:00" in changed.message and "已变更" in changed.message


def test_overlap_is_refused_with_the_clashing_order_named_and_adjacent_windows_are_fine(desk):
    first = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    second = onsite_order(desk.hl, desk.net.a1)
    day = next_workday()

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        appointment_book(
            work_order=second, engineer=desk.eng, starts_at=at(day, 11), ends_at=at(day, 13), actor=desk.dp
        )

    assert first.work_order.number in exc.value.message_dict["starts_at"][0]
    second.refresh_from_db()
    assert second.status == Status.AWAITING_DISPATCH
    assert Appointment.objects.count() == 1
    appointment_book(work_order=second, engineer=desk.eng, starts_at=at(day, 12), ends_at=at(day, 14), actor=desk.dp)
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    ("hour", "hours", "field"),
    [(7, 2, "starts_at"), (17, 2, "starts_at"), (22, 1, "starts_at")],
)
def test_outside_working_hours_is_refused(desk, hour, hours, field):
    order = onsite_order(desk.hl, desk.net.a1)
    with pytest.raises(ValidationError) as exc:
        booked(order, desk.eng, desk.dp, hour=hour, hours=hours)
    assert field in exc.value.message_dict


def test_day_off_capacity_and_centre_are_checked(desk):
    day = next_workday()
    resting = engineer(desk.net.a1, days_off=[day.weekday()])
    busy = engineer(desk.net.a1, capacity=1)
    elsewhere = engineer(desk.net.b1)
    booked(onsite_order(desk.hl, desk.net.a1), busy, desk.dp, hour=9, hours=1)
    order = onsite_order(desk.hl, desk.net.a1)

    for who, field in [(resting, "starts_at"), (busy, "engineer"), (elsewhere, "engineer")]:
        with pytest.raises(ValidationError) as exc:
            booked(order, who, desk.dp, hour=14, hours=1)
        assert field in exc.value.message_dict


def test_only_dispatching_roles_book_and_only_orders_waiting_for_dispatch(desk):
    order = onsite_order(desk.hl, desk.net.a1)
    with pytest.raises(PermissionDenied):
        booked(order, desk.eng, desk.net.staff[Role.FRONT_DESK])
    with pytest.raises(PermissionDenied):
        booked(order, desk.eng, desk.eng)
    booked(order, desk.eng, desk.dp)
    with pytest.raises(ValidationError) as exc:
        booked(order, desk.eng, desk.dp, hour=15, hours=1)
    assert "work_order" in exc.value.message_dict


def test_the_schedule_transition_is_not_a_bare_status_change(desk):
    order = onsite_order(desk.hl, desk.net.a1)
    with pytest.raises(ValidationError) as exc:
        work_order_transition(work_order=order, transition="schedule", actor=desk.dp)
    assert "transition" in exc.value.message_dict


def test_reschedule_and_reassign_keep_who_when_why_and_consent(desk):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    other = engineer(desk.net.a1, username="li")
    day = next_workday()

    with pytest.raises(ValidationError) as exc:
        appointment_reschedule(
            appointment=appointment,
            starts_at=at(day, 14),
            ends_at=at(day, 16),
            reason=" ",
            customer_agreed=True,
            actor=desk.dp,
        )
    assert "reason" in exc.value.message_dict
    # Moving within its own window does not clash with itself.
    appointment_reschedule(
        appointment=appointment,
        starts_at=at(day, 11),
        ends_at=at(day, 13),
        reason="客户要求推迟",
        customer_agreed=True,
        actor=desk.dp,
    )
    appointment_reassign(
        appointment=appointment, engineer=other, reason="王师傅临时有急修", customer_agreed=False, actor=desk.dp
    )

    appointment.refresh_from_db()
    assert appointment.engineer == other and appointment.starts_at == at(day, 11)
    changes = list(AppointmentChange.objects.filter(appointment=appointment).order_by("id"))
    assert [(c.kind, c.reason, c.customer_agreed, c.actor) for c in changes] == [
        ("reschedule", "客户要求推迟", True, desk.dp),
        ("reassign", "王师傅临时有急修", False, desk.dp),
    ]
    assert changes[0].from_starts_at == at(day, 10) and changes[0].to_starts_at == at(day, 11)
    assert changes[1].from_engineer == desk.eng and changes[1].to_engineer == other
    notes = list(appointment.work_order.events.filter(kind="note").values_list("text", flat=True))
    assert any("客户要求推迟" in n for n in notes) and any("王师傅临时有急修" in n for n in notes)


def test_reassigning_to_a_busy_engineer_is_refused_and_nothing_changes(desk):
    other = engineer(desk.net.a1)
    booked(onsite_order(desk.hl, desk.net.a1), other, desk.dp, hour=10, hours=2)
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    with pytest.raises(ValidationError):
        appointment_reassign(appointment=appointment, engineer=other, reason="x", customer_agreed=True, actor=desk.dp)
    appointment.refresh_from_db()
    assert appointment.engineer == desk.eng
    assert not AppointmentChange.objects.exists()


def test_unbook_and_cancel_free_the_engineer(desk):
    first = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    appointment_unbook(appointment=first, reason="客户出差", actor=desk.dp)
    first.refresh_from_db()
    first.work_order.refresh_from_db()
    assert first.status == Appointment.Status.CANCELLED
    assert first.work_order.status == Status.AWAITING_DISPATCH

    second = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    work_order_transition(work_order=second.work_order, transition="cancel", actor=desk.dp, reason="客户已自行修好")
    second.refresh_from_db()
    assert second.status == Appointment.Status.CANCELLED
    booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)  # the slot is free again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_itself_refuses_overlapping_appointments(desk):
    appointment = booked(onsite_order(desk.hl, desk.net.a1), desk.eng, desk.dp, hour=10, hours=2)
    other_order = onsite_order(desk.hl, desk.net.a1)
    clone = Appointment(
        work_order=other_order,
        outlet=appointment.outlet,
        engineer=desk.eng,
        starts_at=appointment.starts_at + dt.timedelta(minutes=30),
        ends_at=appointment.ends_at + dt.timedelta(minutes=30),
        booked_by=desk.dp,
    )
    with pytest.raises(IntegrityError, match="appt_engineer_no_overlap"), transaction.atomic():
        clone.save()
    clone.status = Appointment.Status.CANCELLED  # cancelled appointments do not hold the slot
    clone.pk = None
    clone.save()
