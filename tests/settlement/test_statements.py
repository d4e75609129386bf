"""Deductions by rule and the outlet's monthly statement: issued by headquarters for a month that is over,
frozen once issued, signed off by the outlet in the product."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import ComplaintCase
from complaints.services import case_open
from core.roles import Role
from settlement.models import Deduction, SettlementStatement, WarrantyClaim
from settlement.services import (
    claim_decide,
    deduction_for_complaint,
    statement_answer,
    statement_reply,
    statements_issue,
)
from tests.settlement.factories import published_price_list
from tests.settlement.test_services import _callback, _picked_up
from tests.warranty.factories import published_schedule
from tests.workorders.factories import walk_in_order

pytestmark = pytest.mark.django_db
SH = timezone.get_default_timezone()


@pytest.fixture
def prices(network):
    published_schedule()
    return published_price_list(deduct_callback_finding=Decimal("50.00"), deduct_complaint_upheld=Decimal("200.00"))


def _approved_claim(network, when):
    clerk, hq = network.staff[Role.FRONT_DESK], network.staff[Role.ADMIN]
    with time_machine.travel(when, tick=False):
        order = _picked_up(clerk, walk_in_order(clerk, network.a1))
    with time_machine.travel(when + dt.timedelta(days=4), tick=False):
        order = _callback(order)
        return claim_decide(claim=order.claim, decision="approve", actor=hq)


def _found_against_the_outlet(case):
    """What the complaint's handler records with the lessons when the remedy is carried out (complaints'
    case_request_confirmation, tested there); set here without the remedy's steps."""
    ComplaintCase.objects.filter(pk=case.pk).update(responsibility="outlet", lessons="上门前电话确认")
    case.refresh_from_db()


def test_a_month_is_issued_once_with_its_claims_and_deductions_and_later_ones_go_to_the_next(network, prices):
    hq = network.staff[Role.ADMIN]
    october = dt.datetime(2026, 10, 10, 10, tzinfo=SH)
    first = _approved_claim(network, october)
    case = case_open(
        outlet=network.a1,
        customer=first.work_order.customer,
        work_order=first.work_order,
        category="delay",
        severity="low",
        description="上门迟到",
        actor=network.staff[Role.HOTLINE],
    )
    with time_machine.travel(dt.datetime(2026, 10, 20, 10, tzinfo=SH), tick=False):
        with pytest.raises(ValidationError) as exc:
            deduction_for_complaint(case=case, actor=hq)
        assert "complaint" in exc.value.message_dict  # nobody has found the outlet at fault yet
        _found_against_the_outlet(case)
        deduction = deduction_for_complaint(case=case, note="网点服务态度差，投诉属实", actor=hq)
        assert deduction.amount == Decimal("200.00")
        with pytest.raises(ValidationError):
            deduction_for_complaint(case=case, note="again", actor=hq)
        with pytest.raises(ValidationError) as exc:
            statements_issue(month=dt.date(2026, 10, 1), actor=hq)
        assert "month" in exc.value.message_dict  # not over yet
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        with pytest.raises(PermissionDenied):
            statements_issue(month=dt.date(2026, 10, 1), actor=network.staff[Role.SUPERVISOR])  # a centre's
        [statement] = statements_issue(month=dt.date(2026, 10, 1), actor=hq)
        assert (statement.claim_count, statement.claims_total, statement.deductions_total) == (
            1,
            Decimal("340.00"),
            Decimal("200.00"),
        )
        assert statement.payable == Decimal("140.00") and statement.outlet == network.a1
        assert statements_issue(month=dt.date(2026, 10, 1), actor=hq) == []  # frozen
    late = _approved_claim(network, dt.datetime(2026, 10, 28, 10, tzinfo=SH))  # approved 1 November
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=SH), tick=False):
        assert statements_issue(month=dt.date(2026, 10, 1), actor=hq) == []
        [november] = statements_issue(month=dt.date(2026, 11, 1), actor=hq)
    assert list(november.claims.all()) == [late] and november.payable == Decimal("340.00")
    assert WarrantyClaim.objects.get(pk=first.pk).statement == statement


def test_the_outlet_agrees_or_disputes_its_statement_with_the_reason(network, prices):
    hq, clerk = network.staff[Role.ADMIN], network.staff[Role.FRONT_DESK]
    _approved_claim(network, dt.datetime(2026, 10, 10, 10, tzinfo=SH))
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        [statement] = statements_issue(month=dt.date(2026, 10, 1), actor=hq)
    with pytest.raises(PermissionDenied):
        statement_answer(statement=statement, agree=True, actor=network.staff[Role.SUPERVISOR])  # the centre
    with pytest.raises(ValidationError) as exc:
        statement_answer(statement=statement, agree=False, reason=" ", actor=clerk)
    assert "reason" in exc.value.message_dict
    statement = statement_answer(statement=statement, agree=False, reason="26100500001 工时少算", actor=clerk)
    assert statement.status == SettlementStatement.Status.DISPUTED and statement.answered_by == clerk
    with pytest.raises(ValidationError):
        statement_answer(statement=statement, agree=True, actor=clerk)


def test_headquarters_replies_to_a_dispute_and_the_outlet_answers_again(network, prices, client_for):
    hq, clerk = network.staff[Role.ADMIN], network.staff[Role.FRONT_DESK]
    _approved_claim(network, dt.datetime(2026, 10, 10, 10, tzinfo=SH))
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        [statement] = statements_issue(month=dt.date(2026, 10, 1), actor=hq)
    with pytest.raises(ValidationError):
        statement_reply(statement=statement, reply="核对无误", actor=hq)  # nothing disputed yet
    statement_answer(statement=statement, agree=False, reason="26100500001 工时少算", actor=clerk)
    with pytest.raises(PermissionDenied):
        statement_reply(statement=statement, reply="已核", actor=network.staff[Role.SUPERVISOR])  # a centre's
    with pytest.raises(ValidationError) as empty:
        statement_reply(statement=statement, reply="  ", actor=hq)
    assert "reply" in empty.value.message_dict

    page = client_for(hq).get(reverse("statement-detail", args=[statement.pk])).content.decode()
    assert 'data-testid="reply-form"' in page and "26100500001 工时少算" in page
    refused = client_for(hq).post(reverse("statement-detail", args=[statement.pk]), {"reply": ""})
    assert refused.status_code == 400 and refused.context["reply_form"].errors["reply"]
    client_for(hq).post(
        reverse("statement-detail", args=[statement.pk]), {"reply": "工时按结算价 60 元计，差额 20 元列入 11 月调整"}
    )
    statement.refresh_from_db()
    assert statement.status == SettlementStatement.Status.ISSUED and statement.replied_by == hq
    assert statement.history.filter(history_user=hq, status="issued").exists()  # audited

    answer_page = client_for(clerk).get(reverse("statement-detail", args=[statement.pk])).content.decode()
    assert "差额 20 元列入 11 月调整" in answer_page and 'data-testid="answer-form"' in answer_page
    api = client_for(clerk)
    agreed = api.post(
        reverse("api-statement-answer", args=[statement.pk]), {"agree": True}, content_type="application/json"
    )
    assert agreed.json()["status"] == "agreed" and agreed.json()["reply"].startswith("工时按结算价")
    again = client_for(hq).post(
        reverse("api-statement-reply", args=[statement.pk]), {"reply": "再次答复"}, content_type="application/json"
    )
    assert again.status_code == 400  # agreed: nothing to reply to


def test_a_callback_finding_is_deducted_once(network, prices):
    from followups.models import Callback
    from followups.services import callback_claim, callback_record, callback_sweep

    clerk = network.staff[Role.FRONT_DESK]
    order = _picked_up(clerk, walk_in_order(clerk, network.a1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
        callback_sweep()
        callback = Callback.objects.get(work_order=order, status=Callback.Status.QUEUED)
        hl = network.staff[Role.HOTLINE]
        callback_claim(callback=callback, actor=hl)
        callback_record(callback=callback, outcome="contradicts", notes="客户说工程师没来过", actor=hl)
    deduction = Deduction.objects.get()
    assert (deduction.rule, deduction.amount, deduction.work_order) == ("callback_finding", Decimal("50.00"), order)


def test_the_statement_pages_issue_show_print_export_and_take_the_answer(network, prices, client_for):
    hq, clerk = network.staff[Role.ADMIN], network.staff[Role.FRONT_DESK]
    claim = _approved_claim(network, dt.datetime(2026, 10, 10, 10, tzinfo=SH))
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        admin = client_for(hq)
        refused = admin.post(reverse("statement-list"), {"month": "2026-11"})
        assert refused.status_code == 400 and "该月尚未结束。" in refused.text
        assert admin.post(reverse("statement-list"), {"month": "2026-10"}).status_code == 302
    statement = SettlementStatement.objects.get()
    page = client_for(clerk).get(reverse("statement-detail", args=[statement.pk]))
    assert claim.work_order.number in page.text and "¥340.00" in page.text and "叁佰肆拾元整" in page.text
    assert 'data-testid="answer-form"' in page.text
    printed = client_for(clerk).get(reverse("statement-print", args=[statement.pk]))
    assert printed.status_code == 200 and claim.work_order.number in printed.text
    xlsx = client_for(clerk).get(reverse("statement-xlsx", args=[statement.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = {
        cell for row in load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True) for cell in row
    }
    assert claim.work_order.number in cells
    refused = client_for(clerk).post(reverse("statement-detail", args=[statement.pk]), {"answer": "dispute"})
    assert refused.status_code == 400 and "请说明有异议的内容。" in refused.text
    done = client_for(clerk).post(reverse("statement-detail", args=[statement.pk]), {"answer": "agree"})
    assert done.status_code == 302
    assert SettlementStatement.objects.get().status == SettlementStatement.Status.AGREED
    listed = client_for(network.staff[Role.SUPERVISOR]).get(reverse("statement-list"))
    assert "¥340.00" in listed.text and 'data-testid="issue-form"' not in listed.text


def test_headquarters_deducts_an_upheld_complaint_in_the_page_and_the_api_issues_and_answers(
    network, prices, client_for
):
    hq, clerk = network.staff[Role.ADMIN], network.staff[Role.FRONT_DESK]
    claim = _approved_claim(network, dt.datetime(2026, 10, 10, 10, tzinfo=SH))
    case = case_open(
        outlet=network.a1,
        customer=claim.work_order.customer,
        work_order=claim.work_order,
        category="attitude",
        severity="low",
        description="态度差",
        actor=network.staff[Role.HOTLINE],
    )
    admin = client_for(hq)
    with time_machine.travel(dt.datetime(2026, 10, 20, 10, tzinfo=SH), tick=False):
        assert f"deduct-{case.pk}" not in admin.get(reverse("statement-list")).text  # not found at fault yet
        not_found = admin.post(reverse("complaint-deduction"), {"case": case.pk}, follow=True)
        assert "不是已判定网点责任的投诉" in not_found.text and not Deduction.objects.exists()
        _found_against_the_outlet(case)
        page = admin.get(reverse("statement-list")).text
        assert f"deduct-{case.pk}" in page and "上门前电话确认" in page and "扣款 ¥200.00" in page
        done = admin.post(reverse("complaint-deduction"), {"case": case.pk, "note": ""}, follow=True)
        assert "扣款已登记。" in done.text and f"deduct-{case.pk}" not in done.text  # deducted: off the list
        assert Deduction.objects.get().note == "上门前电话确认"  # the case's lessons, not retyped
        assert 'data-testid="pending-deductions"' in done.text and "¥200.00" in done.text
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        too_early = admin.post(reverse("api-statement-issue"), {"month": "2026-11-01"}, content_type="application/json")
        assert too_early.status_code == 400 and "month" in too_early.json()["error"]["fields"]
        issued = admin.post(reverse("api-statement-issue"), {"month": "2026-10-15"}, content_type="application/json")
    assert issued.status_code == 201 and issued.json()[0]["payable"] == "140.00"
    statement_id = issued.json()[0]["id"]
    desk = client_for(clerk)
    detail = desk.get(reverse("api-statement-detail", args=[statement_id])).json()
    assert [d["rule"] for d in detail["deductions"]] == ["complaint_upheld"] and len(detail["claims"]) == 1
    refused = desk.post(
        reverse("api-statement-answer", args=[statement_id]), {"agree": False}, content_type="application/json"
    )
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    done = desk.post(
        reverse("api-statement-answer", args=[statement_id]), {"agree": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "agreed"
    assert (
        desk.get(reverse("api-deduction-list"), {"statement": statement_id}).json()["results"][0]["amount"] == "200.00"
    )


def test_two_clerks_issuing_one_month_at_once_make_one_statement_per_outlet(network, prices, monkeypatch):
    """The second sees nothing issued yet when it looks, then meets the first's rows: a conflict, nothing half-made."""
    from core.errors import ConflictError
    from settlement.services import statements as module

    hq = network.staff[Role.ADMIN]
    _approved_claim(network, dt.datetime(2026, 10, 10, 10, tzinfo=SH))
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=SH), tick=False):
        [first] = statements_issue(month=dt.date(2026, 10, 1), actor=hq)
        real_filter = module.SettlementStatement.objects.filter

        def blind(*args, **kwargs):  # what the second clerk's transaction read before the first committed
            return real_filter(pk=0) if kwargs.keys() == {"month"} else real_filter(*args, **kwargs)

        WarrantyClaim.objects.filter(statement=first).update(statement=None)
        monkeypatch.setattr(module.SettlementStatement.objects, "filter", blind)
        with pytest.raises(ConflictError):
            statements_issue(month=dt.date(2026, 10, 1), actor=hq)
    assert SettlementStatement.objects.count() == 1
