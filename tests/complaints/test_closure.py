"""Closure: only a confirmation callback in which the customer says "satisfied" closes a case."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints.models import ComplaintCase
from complaints.services import case_request_confirmation, case_step_record, remedy_decide, remedy_propose
from core.models import Notification
from core.roles import Role
from followups.models import Callback
from followups.services import callback_claim, callback_record, callback_sweep
from tests.complaints.test_services import _case

pytestmark = pytest.mark.django_db


def _remedy_agreed(network, case, amount="30"):
    hl = network.staff[Role.HOTLINE]
    case_step_record(case=case, step="apology", notes="当面致歉", actor=hl)
    remedy_propose(case=case, kind="gift", amount=Decimal(amount), description="赠送清洁套装", actor=hl)
    case_step_record(case=case, step="remedy", notes="客户接受", actor=hl)


def _call(callback, outcome, actor, notes=""):
    callback_sweep(now=callback.due_at)
    callback_claim(callback=callback, actor=actor)
    return callback_record(callback=callback, outcome=outcome, notes=notes, actor=actor)


def test_satisfied_on_the_confirmation_call_closes_the_case_with_its_lessons(network):
    hl = network.staff[Role.HOTLINE]
    case = _case(network)
    with pytest.raises(ValidationError) as exc:
        case_request_confirmation(case=case, lessons="复核维修质量", responsibility="outlet", actor=hl)
    assert "__all__" in exc.value.message_dict  # no remedy agreed yet
    _remedy_agreed(network, case)
    with pytest.raises(ValidationError) as exc:
        case_request_confirmation(case=case, lessons="  ", responsibility="outlet", actor=hl)
    assert "lessons" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        case_request_confirmation(case=case, lessons="复核维修质量", responsibility="nobody", actor=hl)
    assert "responsibility" in exc.value.message_dict

    case = case_request_confirmation(case=case, lessons="维修后必须试机 30 分钟", responsibility="outlet", actor=hl)
    assert case.status == ComplaintCase.Status.AWAITING_CONFIRMATION
    callback = case.confirmation_callback
    assert callback.plan.code == "complaint-confirmation" and callback.customer_id == case.customer_id
    with pytest.raises(ValidationError):  # one call in the queue at a time
        case_request_confirmation(case=case, lessons="again", responsibility="outlet", actor=hl)
    with pytest.raises(ValidationError):  # staff cannot declare the customer satisfied
        case_step_record(case=case, step="satisfaction", actor=hl)

    order_status = case.work_order.status
    _call(callback, "satisfied", hl, notes="客户表示满意")
    case.refresh_from_db()
    assert case.status == ComplaintCase.Status.CLOSED and case.closed_at is not None
    assert case.lessons == "维修后必须试机 30 分钟"
    assert case.steps.filter(step="satisfaction", notes="客户表示满意", by=hl).exists()
    case.work_order.refresh_from_db()
    assert case.work_order.status == order_status  # the confirmation call is about the case, not the order
    with pytest.raises(ValidationError):
        case_step_record(case=case, step="note", notes="late", actor=hl)


def test_not_satisfied_reopens_and_escalates_and_the_supervisors_are_told(network):
    hl, sv = network.staff[Role.HOTLINE], network.staff[Role.SUPERVISOR]
    sv.phone = "+8613800000001"
    sv.save()
    case = _case(network)
    _remedy_agreed(network, case)
    case = case_request_confirmation(case=case, lessons="上门前电话确认", responsibility="outlet", actor=hl)
    _call(case.confirmation_callback, "dissatisfied", hl, notes="礼品不是想要的")
    case.refresh_from_db()
    assert case.status == ComplaintCase.Status.OPEN and case.escalated_at is not None
    assert "礼品不是想要的" in case.escalation_reason
    message = Notification.objects.get(kind="complaint_escalated")
    assert message.to == "+8613800000001" and f"#{case.pk}" in message.message
    # Asked again after a new remedy: a new callback, and "satisfied" then closes it.
    second = case_request_confirmation(
        case=case, lessons="上门前电话确认", responsibility="outlet", actor=hl
    ).confirmation_callback
    _call(second, "satisfied", hl)
    case.refresh_from_db()
    assert case.status == ComplaintCase.Status.CLOSED


def test_a_confirmation_call_that_never_reaches_the_customer_may_be_asked_again(network):
    hl = network.staff[Role.HOTLINE]
    case = _case(network)
    _remedy_agreed(network, case)
    callback = case_request_confirmation(
        case=case, lessons="x", responsibility="outlet", actor=hl
    ).confirmation_callback
    for _attempt in range(callback.plan.max_attempts):
        callback.refresh_from_db()
        _call(callback, "not_reached", hl)
    callback.refresh_from_db()
    case.refresh_from_db()
    assert callback.status == Callback.Status.FAILED
    assert case.status == ComplaintCase.Status.AWAITING_CONFIRMATION and case.may_ask_confirmation
    again = case_request_confirmation(case=case, lessons="x", responsibility="outlet", actor=hl)
    assert again.confirmation_callback != callback and again.confirmation_callback.status == "scheduled"


def test_a_remedy_waiting_for_approval_holds_the_confirmation_back(network):
    hl, sv = network.staff[Role.HOTLINE], network.staff[Role.SUPERVISOR]
    case = _case(network)
    _remedy_agreed(network, case)
    exchange = remedy_propose(case=case, kind="exchange", amount=Decimal("2999"), actor=hl)
    with pytest.raises(ValidationError) as exc:
        case_request_confirmation(case=case, lessons="x", responsibility="outlet", actor=hl)
    assert "approval" in str(exc.value) or "审批" in str(exc.value)
    remedy_decide(remedy=exchange, approve=False, note="先换主板", actor=sv)
    assert (
        case_request_confirmation(case=case, lessons="x", responsibility="outlet", actor=hl).status
        == "awaiting_confirmation"
    )


def test_the_database_refuses_a_closed_case_without_confirmation_or_lessons(network):
    case = _case(network)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.filter(pk=case.pk).update(status="awaiting_confirmation")


def test_praise_reaches_the_person_praised_and_the_supervisors(network):
    from complaints.services import feedback_record

    hl, en, sv = network.staff[Role.HOTLINE], network.staff[Role.ENGINEER], network.staff[Role.SUPERVISOR]
    en.phone, sv.phone = "+8613800000002", "+8613800000001"
    en.save()
    sv.save()
    feedback_record(
        outlet=network.a1, type="praise", channel="callback", text="刘师傅很专业", praised_staff=en, actor=hl
    )
    sent = dict(Notification.objects.filter(kind="praise_received").values_list("to", "message"))
    assert set(sent) == {"+8613800000002", "+8613800000001"}
    assert all("刘师傅很专业" in m for m in sent.values())
