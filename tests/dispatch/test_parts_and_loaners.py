import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.roles import Role
from dispatch.models import Appointment, LoanerUnit, Part, PartRequisition, PartStock
from dispatch.selectors import dispatch_queue
from dispatch.services import (
    loaner_lend,
    loaner_register,
    loaner_return,
    part_requisition_issue,
    part_requisition_request,
    part_requisition_return,
    part_requisition_use,
    place_of_outlet,
    stock_receive,
    visit_event,
    visit_pull_back,
    visit_report_save,
    visit_sign_off,
    visit_take_loaner,
)
from tests.dispatch.factories import at, booked, engineer, next_workday, onsite_order
from tests.dispatch.test_services_visit import REPORT, SIGNATURE
from workorders.lifecycle import Status
from workorders.services import work_order_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(network):
    eng = engineer(network.a1)
    order = onsite_order(network.staff[Role.HOTLINE], network.a1)
    appointment = booked(order, eng, network.staff[Role.DISPATCHER], hour=10)
    return type("Job", (), {"eng": eng, "order": order, "appointment": appointment, "net": network})


def test_requisition_lifecycle_moves_stock_and_never_below_zero(job):
    dp = job.net.staff[Role.DISPATCHER]
    capacitor = Part.objects.create(code="capacitor", name="启动电容")
    stock_receive(place=place_of_outlet(job.net.a1), part=capacitor, quantity=3, actor=dp)
    first = part_requisition_request(work_order=job.order, part=capacitor, quantity=2, actor=job.eng)
    second = part_requisition_request(work_order=job.order, part=capacitor, quantity=2, actor=job.eng)

    part_requisition_issue(requisition=first, actor=dp)
    with pytest.raises(ValidationError) as exc:
        part_requisition_issue(requisition=second, actor=dp)
    assert "quantity" in exc.value.message_dict
    stock = PartStock.objects.get(place__outlet=job.net.a1, part=capacitor, bin=PartStock.Bin.GOOD)
    assert stock.quantity == 1
    second.refresh_from_db()
    assert second.status == PartRequisition.Status.REQUESTED  # nothing half-done

    with pytest.raises(PermissionDenied):
        part_requisition_issue(requisition=second, actor=job.eng)  # the centre issues, not the engineer
    part_requisition_return(requisition=first, actor=job.eng)
    stock.refresh_from_db()
    assert stock.quantity == 3
    with pytest.raises(ValidationError):
        part_requisition_use(requisition=first, actor=job.eng)  # returned: no longer with the engineer
    part_requisition_issue(requisition=second, actor=dp)
    used = part_requisition_use(requisition=second, actor=job.eng)
    assert used.status == PartRequisition.Status.USED and used.closed_by == job.eng


def test_the_database_refuses_negative_stock(job):
    part = Part.objects.create(code="belt", name="皮带")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartStock.objects.create(place=place_of_outlet(job.net.a1), part=part, quantity=-1)


def test_engineers_request_parts_only_for_their_own_jobs(job):
    other = engineer(job.net.a1)
    part = Part.objects.create(code="belt", name="皮带")
    with pytest.raises(PermissionDenied):
        part_requisition_request(work_order=job.order, part=part, quantity=1, actor=other)


def test_loaner_is_tracked_until_returned_and_the_database_keeps_it_consistent(job):
    dp = job.net.staff[Role.DISPATCHER]
    loaner = loaner_register(outlet=job.net.a1, serial="LN-001", description="周转空调", actor=dp)
    lent = loaner_lend(loaner=loaner, work_order=job.order, due_back=next_workday(3), actor=dp)
    assert lent.status == LoanerUnit.Status.OUT and lent.work_order == job.order
    with pytest.raises(ValidationError):
        loaner_lend(loaner=loaner, work_order=job.order, due_back=next_workday(3), actor=dp)
    back = loaner_return(loaner=loaner, actor=dp)
    assert back.status == LoanerUnit.Status.AVAILABLE and back.work_order is None
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanerUnit.objects.filter(pk=loaner.pk).update(status=LoanerUnit.Status.OUT)  # out, but with whom?


def test_pull_back_with_loaner_then_bench_repair_and_return_delivery(job):
    dp = job.net.staff[Role.DISPATCHER]
    loaner = loaner_register(outlet=job.net.a1, serial="LN-002", description="周转空调", actor=dp)
    day = next_workday()
    return_day = day + dt.timedelta(days=3)
    with time_machine.travel(at(day, 10), tick=False):
        for event in ("departed", "arrived"):
            visit_event(appointment=job.appointment, event=event, actor=job.eng)
        visit_report_save(appointment=job.appointment, actor=job.eng, **REPORT)
        with pytest.raises(ValidationError) as exc:
            visit_pull_back(
                appointment=job.appointment, condition="", accessories="", signature="", return_date=None, actor=job.eng
            )
        assert {"condition", "signature", "return_date"} <= set(exc.value.message_dict)
        report = visit_pull_back(
            appointment=job.appointment,
            condition="外壳有划痕，无缺件",
            accessories="遥控器 1 个",
            signature=SIGNATURE,
            return_date=return_day,
            loaner=loaner,
            actor=job.eng,
        )
    job.order.refresh_from_db()
    job.appointment.refresh_from_db()
    loaner.refresh_from_db()
    assert report.pulled_back and job.appointment.status == Appointment.Status.DONE
    assert job.order.status == Status.IN_SERVICE  # continues on the bench
    assert loaner.status == LoanerUnit.Status.OUT and loaner.due_back == return_day

    assert job.order not in dispatch_queue(user=dp)  # still on the bench
    work_order_transition(work_order=job.order, transition="finish_repair", actor=job.eng)
    assert [(o.pk, o.is_return) for o in dispatch_queue(user=dp)] == [(job.order.pk, True)]
    with time_machine.travel(at(day + dt.timedelta(days=2), 8), tick=False):
        delivery = booked(job.order, job.eng, dp, day=return_day, hour=14)
    assert job.order not in dispatch_queue(user=dp)
    assert delivery.purpose == Appointment.Purpose.RETURN
    job.order.refresh_from_db()
    assert job.order.status == Status.REPAIRED  # no status change for booking the return
    with time_machine.travel(at(return_day, 14), tick=False):
        for event in ("departed", "arrived", "started", "finished"):
            visit_event(appointment=delivery, event=event, actor=job.eng)
        with pytest.raises(ValidationError) as exc:  # the checklist is answered on a return visit too
            visit_sign_off(appointment=delivery, satisfied=True, signature=SIGNATURE, actor=job.eng)
        assert "checklist" in exc.value.message_dict
        visit_report_save(appointment=delivery, actor=job.eng, **(REPORT | {"diagnosis": "", "actions": ""}))
        visit_sign_off(appointment=delivery, satisfied=True, rating_quality=5, signature=SIGNATURE, actor=job.eng)
    job.order.refresh_from_db()
    loaner.refresh_from_db()
    assert job.order.status == Status.AWAITING_CALLBACK
    assert loaner.status == LoanerUnit.Status.AVAILABLE  # swapped back on delivery


def test_a_loaner_taken_along_is_one_engineers_and_offered_at_pull_back(job, client_for):
    dp = job.net.staff[Role.DISPATCHER]
    loaner = loaner_register(outlet=job.net.a1, serial="LN-3", description="周转空调", actor=dp)
    other_eng = engineer(job.net.a1)
    other = booked(onsite_order(job.net.staff[Role.HOTLINE], job.net.a1), other_eng, dp, hour=14)
    visit_take_loaner(appointment=job.appointment, loaner=loaner, actor=job.eng)
    with pytest.raises(ValidationError) as exc:
        visit_take_loaner(appointment=other, loaner=loaner, actor=other_eng)
    assert "loaner" in exc.value.message_dict
    page = client_for(job.eng).get(reverse("job-detail", args=[job.appointment.pk])).content.decode()
    assert "LN-3" in page
    printed = client_for(job.eng).get(reverse("service-record", args=[job.appointment.pk]))
    assert printed.status_code == 200
