"""Demo data for `seed_demo`: feedback of every type and complaint cases in every state, made through
the services (a fresh case, one being handled, one escalated with an exchange waiting for approval,
one overdue, one waiting for the customer's confirmation call, one closed, one at a flagged customer)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from complaints.models import ComplaintCase, Feedback
from complaints.services import (
    case_open,
    case_request_confirmation,
    case_step_record,
    cases_escalate_overdue,
    customer_flag_bad_faith,
    feedback_acknowledge,
    feedback_record,
    remedy_propose,
)
from core.models import User
from followups.models import Callback
from followups.services import callback_claim, callback_record, callback_sweep
from workorders.lifecycle import Status
from workorders.models import WorkOrder


def _handled(case, clerk, *, remedy=("gift", "80", "赠送清洁保养一次"), granted_by=None):
    case_step_record(case=case, step="apology", notes="电话中诚恳致歉", actor=clerk)
    case_step_record(case=case, step="heard", notes="耐心听完客户的全部意见", actor=clerk)
    case_step_record(case=case, step="facts", notes="核对维修记录与客户描述一致", actor=clerk)
    kind, amount, text = remedy
    remedy_propose(case=case, kind=kind, amount=Decimal(amount), description=text, actor=granted_by or clerk)
    case_step_record(case=case, step="remedy", notes="客户接受处理方案", actor=clerk)
    case_step_record(case=case, step="action", notes="已安排工程师再次上门并赠送保养", actor=clerk)


def _ask_and_queue(case, clerk, lessons, responsibility):
    case = case_request_confirmation(case=case, lessons=lessons, responsibility=responsibility, actor=clerk)
    Callback.objects.filter(pk=case.confirmation_callback_id).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    callback_sweep()
    return case


@transaction.atomic
def seed() -> str:
    if ComplaintCase.objects.exists():
        return "complaints: present"
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    clerk, desk, supervisor = users["hotline"], users["frontdesk"], users["supervisor"]
    orders = list(
        WorkOrder.objects.filter(outlet__code="sh-xuhui", status__in=[Status.CLOSED, Status.AWAITING_CALLBACK])
        .select_related("customer", "product", "outlet")
        .order_by("id")[:7]
    )

    def open_case(order, actor, **fields):
        return case_open(outlet=order.outlet, customer=order.customer, work_order=order, actor=actor, **fields)

    open_case(orders[0], clerk, category="delay", severity="low", description="维修等了一周还没有消息")
    handling = open_case(orders[1], desk, category="attitude", severity="medium", description="前台说话不耐烦")
    case_step_record(case=handling, step="apology", notes="当面致歉", actor=desk)
    case_step_record(case=handling, step="heard", actor=desk)
    escalated = open_case(
        orders[2],
        clerk,
        category="repair_quality",
        severity="high",
        description="修好第二天又坏，家里老人等着用",
        request="要求换新机",
    )
    case_step_record(case=escalated, step="apology", notes="致歉并承诺今天答复", actor=clerk)
    remedy_propose(case=escalated, kind="exchange", amount=Decimal("2999"), description="换同型号新机", actor=clerk)
    overdue = open_case(orders[3], clerk, category="charges", severity="medium", description="收费比报价高")
    ComplaintCase.objects.filter(pk=overdue.pk).update(first_contact_due=timezone.now() - dt.timedelta(hours=1))
    cases_escalate_overdue()
    waiting = open_case(orders[4], clerk, category="repair_quality", severity="medium", description="异响没有修好")
    _handled(waiting, clerk)
    _ask_and_queue(waiting, clerk, "维修后必须试机并当面确认无异响", "product")
    closed = open_case(orders[5], clerk, category="delay", severity="low", description="上门迟到一个小时")
    _handled(closed, clerk, remedy=("fee_waiver", "50", "免收上门费"), granted_by=supervisor)  # a supervisor's to grant
    closed = _ask_and_queue(closed, clerk, "出发前按路程时间预留余量；迟到必须提前电话告知", "outlet")
    callback_claim(callback=closed.confirmation_callback, actor=clerk)
    callback_record(callback=closed.confirmation_callback, outcome="satisfied", notes="客户表示满意", actor=clerk)
    flagged = open_case(
        orders[6], clerk, category="other", severity="low", description="要求赔偿误工费五千元", request="赔偿 5000 元"
    )
    customer_flag_bad_faith(customer=flagged.customer, reason="多次以投诉索要高额赔偿，记录在案", actor=supervisor)

    engineer = users["engineer"]
    feedback = [
        ("consultation", "hotline", "空调冬天怎么设置最省电？", {}),
        ("praise", "callback", "刘师傅上门准时，讲解很耐心", {"praised_staff": engineer}),
        ("praise", "front_desk", "前台接待热情", {"praised_staff": desk}),
        ("suggestion", "written", "希望能在网上查询维修进度", {"department": "service"}),
        (
            "suggestion",
            "on_site",
            "洗衣机排水管太短，安装时经常不够",
            {"department": "rd", "product_model": "TG100V88"},
        ),
        ("suggestion", "hotline", "冰箱门封条半年就变形", {"department": "quality", "product_model": "BCD-500WLHSS"}),
        ("complaint", "written", "邮件投诉：电话总是占线", {}),
    ]
    outlet = orders[0].outlet
    made = [
        feedback_record(outlet=outlet, type=kind, channel=channel, text=text, actor=clerk, **extra)
        for kind, channel, text, extra in feedback
    ]
    feedback_acknowledge(feedback=made[5], actor=supervisor)
    states = dict(ComplaintCase.objects.order_by().values_list("status").annotate(n=Count("id")))
    return f"complaints: {sum(states.values())} cases {states}, {Feedback.objects.count()} feedback"
