import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import BadFaithFlag, CaseStep, ComplaintCase, Feedback, Remedy
from complaints.services import (
    case_escalate,
    case_open,
    case_step_record,
    cases_escalate_overdue,
    customer_flag_bad_faith,
    feedback_acknowledge,
    feedback_record,
    remedy_decide,
    remedy_propose,
)
from core.roles import Role
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product, walk_in_order
from workorders.services import work_order_receive

pytestmark = pytest.mark.django_db


def _case(network, **kw):
    hl = network.staff[Role.HOTLINE]
    order = walk_in_order(network.staff[Role.FRONT_DESK], network.a1)
    args = {
        "outlet": network.a1,
        "customer": order.customer,
        "work_order": order,
        "category": "repair_quality",
        "severity": "medium",
        "description": "修了两次还是不开机",
        "request": "换新机",
        "actor": hl,
    }
    return case_open(**(args | kw))


def test_feedback_praise_names_someone_and_suggestions_are_routed(network):
    hl, en = network.staff[Role.HOTLINE], network.staff[Role.ENGINEER]
    praise = feedback_record(
        outlet=network.a1, type="praise", channel="callback", text="刘师傅很专业", praised_staff=en, actor=hl
    )
    assert praise.praised_staff == en and en.praise.count() == 1
    with pytest.raises(ValidationError) as exc:
        feedback_record(outlet=network.a1, type="praise", channel="hotline", text="好", actor=hl)
    assert "praised_staff" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        feedback_record(outlet=network.a1, type="suggestion", channel="hotline", text="遥控器按键太小", actor=hl)
    assert "department" in exc.value.message_dict
    idea = feedback_record(
        outlet=network.a1, type="suggestion", channel="hotline", text="遥控器按键太小", department="rd", actor=hl
    )
    with pytest.raises(PermissionDenied):
        feedback_acknowledge(feedback=idea, actor=hl)
    assert feedback_acknowledge(feedback=idea, actor=network.staff[Role.SUPERVISOR]).acknowledged_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(outlet=network.a1, type="praise", channel="hotline", text="x", created_by=hl)


def test_a_case_gets_deadlines_by_severity_and_high_severity_escalates_at_once(network):
    medium = _case(network)
    assert medium.escalated_at is None
    assert medium.first_contact_due - medium.opened_at == pytest.approx(
        dt.timedelta(hours=8), abs=dt.timedelta(seconds=5)
    )
    high = _case(network, severity="high")
    assert high.escalated_at is not None and high.steps.filter(step="escalation").exists()


def test_repeat_repairs_of_the_same_fault_within_warranty_escalate(network):
    fd = network.staff[Role.FRONT_DESK]
    customer, product = customer_with_product(fd, network.a1)
    orders = [
        work_order_receive(
            outlet=network.a1,
            customer=customer,
            product=product,
            channel="walk_in",
            service_type="repair",
            fault_description="不开机",
            data_loss_acknowledged=True,
            actor=fd,
        )
        for _ in range(2)
    ]
    case = _case(network, customer=customer, work_order=orders[-1])
    assert case.repeat_repairs == 2 and "2" in case.escalation_reason


def test_missed_deadlines_escalate_on_the_sweep_and_contact_stops_the_clock(network):
    contacted, silent = _case(network), _case(network)
    case_step_record(case=contacted, step="apology", notes="诚恳道歉", actor=network.staff[Role.HOTLINE])
    later = timezone.now() + dt.timedelta(hours=9)
    assert cases_escalate_overdue(now=later) == 1
    silent.refresh_from_db()
    contacted.refresh_from_db()
    assert silent.escalated_at is not None and contacted.escalated_at is None
    assert cases_escalate_overdue(now=later) == 0


def test_every_kind_of_remedy_has_the_rank_that_grants_it_whatever_its_value(network):
    from complaints.models import RemedyRank

    hl, sv = network.staff[Role.HOTLINE], network.staff[Role.SUPERVISOR]
    case = _case(network)
    waits = {
        kind: remedy_propose(case=case, kind=kind, amount=Decimal("0"), actor=hl).status
        == Remedy.Status.AWAITING_APPROVAL
        for kind in Remedy.Kind.values
    }
    assert waits == {
        "re_repair": False,
        "gift": False,
        "free_repair": True,
        "fee_waiver": True,
        "money": True,
        "refund": True,
        "exchange": True,  # a clerk's exchange at ¥0 waits
        "return": True,
    }
    assert remedy_propose(case=case, kind="exchange", amount=Decimal("0"), actor=sv).status == Remedy.Status.PROPOSED
    RemedyRank.objects.filter(kind="return").update(rank="headquarters")  # an admin raises the rank
    kept_back = remedy_propose(case=case, kind="return", amount=Decimal("0"), actor=sv)
    assert kept_back.status == Remedy.Status.AWAITING_APPROVAL
    with pytest.raises(PermissionDenied):
        remedy_decide(remedy=kept_back, approve=True, actor=UserFactory(role=Role.SUPERVISOR, outlets=[network.a1]))
    hq = UserFactory(role=Role.SUPERVISOR, is_headquarters=True)
    assert remedy_decide(remedy=kept_back, approve=True, actor=hq).status == Remedy.Status.APPROVED


def test_a_case_logged_by_a_clerk_is_owned_by_a_supervisor_who_is_told(network):
    from core.models import Notification

    hl, centre_supervisor = network.staff[Role.HOTLINE], network.staff[Role.SUPERVISOR]
    centre_supervisor.phone = "+8613900001111"
    centre_supervisor.save(update_fields=["phone"])
    case = _case(network)
    assert (case.handler, case.opened_by) == (centre_supervisor, hl)  # a1 has none of its own: the centre's
    told = Notification.objects.get(kind="complaint_assigned")
    assert told.to == "+8613900001111" and f"#{case.pk}" in told.message
    busy = UserFactory(role=Role.SUPERVISOR, outlets=[network.a1])
    free = UserFactory(role=Role.SUPERVISOR, outlets=[network.a1])
    _case(network, handler=busy)  # set-up: the first of the outlet's supervisors has an open case
    assert _case(network).handler == free  # the outlet's own, the one with fewer open cases
    assert _case(network, actor=busy).handler == busy  # a supervisor who logs a case owns it
    with pytest.raises(ValidationError) as exc:
        _case(network, handler=hl)
    assert "handler" in exc.value.message_dict


def test_an_outlet_without_supervisors_hands_its_cases_to_headquarters(network):
    clerk = UserFactory(role=Role.HOTLINE, outlets=[network.b1])
    customer, _product = customer_with_product(clerk, network.b1)
    args = {"outlet": network.b1, "customer": customer, "category": "attitude", "severity": "low"}
    with pytest.raises(ValidationError):
        case_open(**args, description="态度差", actor=clerk)
    hq = UserFactory(role=Role.SUPERVISOR, is_headquarters=True)
    assert case_open(**args, description="态度差", actor=clerk).handler == hq


def test_manual_escalation_needs_a_reason(network):
    case = _case(network)
    with pytest.raises(ValidationError):
        case_escalate(case=case, reason=" ", actor=network.staff[Role.HOTLINE])
    case_escalate(case=case, reason="用户要求经理出面", actor=network.staff[Role.HOTLINE])
    assert ComplaintCase.objects.get(pk=case.pk).escalation_reason == "用户要求经理出面"


def test_remedies_above_the_handlers_authority_wait_for_a_supervisor(network):
    hl, sv = network.staff[Role.HOTLINE], network.staff[Role.SUPERVISOR]
    case = _case(network)
    gift = remedy_propose(case=case, kind="gift", amount=Decimal("50"), actor=hl)
    assert gift.status == Remedy.Status.PROPOSED  # within the clerk's ¥100
    exchange = remedy_propose(case=case, kind="exchange", amount=Decimal("800"), actor=hl)
    assert exchange.status == Remedy.Status.AWAITING_APPROVAL
    with pytest.raises(PermissionDenied):
        remedy_propose(case=case, kind="money", amount=Decimal("10"), actor=network.staff[Role.ENGINEER])
    with pytest.raises(ValidationError):
        remedy_decide(remedy=exchange, approve=False, actor=sv)  # a rejection says why
    assert remedy_decide(remedy=exchange, approve=True, actor=sv).status == Remedy.Status.APPROVED
    big = remedy_propose(case=case, kind="money", amount=Decimal("5000"), actor=hl)
    with pytest.raises(PermissionDenied):
        remedy_decide(remedy=big, approve=True, actor=sv)  # above the supervisor's ¥1000: headquarters
    hq = UserFactory(role=Role.SUPERVISOR, is_headquarters=True)
    assert remedy_decide(remedy=big, approve=True, actor=hq).status == Remedy.Status.APPROVED
    case_step_record(case=case, step="remedy", notes="同意换新", actor=hl)
    case.refresh_from_db()
    assert case.remedy_agreed_at is not None
    with pytest.raises(ValidationError):
        case_step_record(case=case, step="satisfaction", actor=hl)  # only the customer confirms, on a callback
    assert [s.step for s in CaseStep.objects.filter(case=case)] == ["remedy"]


def test_only_supervisors_flag_bad_faith_and_once(network):
    customer, _product = customer_with_product(network.staff[Role.FRONT_DESK], network.a1)
    with pytest.raises(PermissionDenied):
        customer_flag_bad_faith(customer=customer, reason="职业索赔", actor=network.staff[Role.HOTLINE])
    customer_flag_bad_faith(customer=customer, reason="多次以投诉要挟索要赔偿", actor=network.staff[Role.SUPERVISOR])
    with pytest.raises(ValidationError):
        customer_flag_bad_faith(customer=customer, reason="再次", actor=network.staff[Role.SUPERVISOR])
    assert BadFaithFlag.objects.get().set_by == network.staff[Role.SUPERVISOR]


def test_beat_escalates_overdue_cases_every_tick(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["escalate-overdue-cases"]
    assert (entry["task"], entry["schedule"]) == (
        "complaints.tasks.escalate_overdue_cases",
        settings.SCHEDULER_TICK_SECONDS,
    )


def test_the_customer_is_told_the_complaint_is_logged_and_by_when_we_call(network):
    from core.models import Notification

    case = _case(network)
    told = Notification.objects.get(kind="complaint_received")
    contact_by = f"{timezone.localtime(case.first_contact_due):%m-%d %H:%M}"
    assert told.to == "+8613812345678" and f"#{case.pk}" not in told.message and str(case.pk) in told.message
    assert contact_by in told.message
