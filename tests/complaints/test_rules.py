import datetime as dt
from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from complaints import rules
from complaints.rules import CaseFacts, DeadlinePolicy, Repair
from core.words import read

OPENED = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
POLICY = DeadlinePolicy(first_contact_hours=2, remedy_hours=24, close_hours=72)


def _facts(**kw):
    values = {
        "high_severity": False,
        "deadlines": rules.deadlines(opened_at=OPENED, policy=POLICY),
        "first_contact_at": None,
        "remedy_agreed_at": None,
        "repeat_repairs": 0,
        "already_escalated": False,
    } | kw
    return CaseFacts(**values)


def test_deadlines_count_from_opening():
    d = rules.deadlines(opened_at=OPENED, policy=POLICY)
    assert (d.first_contact, d.remedy, d.close) == (
        OPENED + dt.timedelta(hours=2),
        OPENED + dt.timedelta(hours=24),
        OPENED + dt.timedelta(hours=72),
    )


def test_escalation_rules():
    def reasons(facts, now):
        return [read(words) for words in rules.escalation_reasons(facts, now=now)]

    with translation.override("en"):
        assert reasons(_facts(), OPENED) == []
        assert reasons(_facts(high_severity=True), OPENED) == ["high severity"]
        assert reasons(_facts(repeat_repairs=2), OPENED) == ["2 repairs of the same fault within warranty"]
        late = OPENED + dt.timedelta(hours=3)
        assert reasons(_facts(), late) == ["no contact with the customer by the deadline"]
        contacted = _facts(first_contact_at=OPENED + dt.timedelta(hours=1))
        assert reasons(contacted, late) == []
        assert reasons(contacted, OPENED + dt.timedelta(hours=25)) == ["no remedy agreed by the deadline"]
        assert reasons(_facts(high_severity=True, already_escalated=True), late) == []
    with translation.override("zh-hans"):  # the same reasons, read by a Chinese reader
        assert reasons(_facts(high_severity=True), OPENED) == ["严重程度高"]


def test_repeat_repairs_count_the_same_fault_within_warranty_only():
    history = [
        Repair(day=dt.date(2026, 3, 1), fault="不制冷。", in_warranty=True),
        Repair(day=dt.date(2026, 6, 1), fault="不 制冷", in_warranty=True),
        Repair(day=dt.date(2026, 8, 1), fault="不制冷", in_warranty=False),
        Repair(day=dt.date(2026, 9, 1), fault="漏水", in_warranty=True),
    ]
    assert rules.repeat_repairs(history, fault="不制冷") == 2
    assert rules.repeat_repairs(history, fault="噪音大") == 0


@given(
    amount=st.decimals(min_value=0, max_value=100000, places=2),
    limit=st.one_of(st.none(), st.decimals(min_value=0, max_value=100000, places=2)),
)
def test_approval_is_needed_exactly_above_the_limit(amount, limit):
    needed = rules.needs_approval(amount=amount, limit=limit, kind_rank="handler", proposer_rank="handler")
    if limit is None:
        assert needed == (amount > 0)
    else:
        assert needed == (amount > limit)
    assert not rules.needs_approval(
        amount=Decimal("0"), limit=limit or Decimal("0"), kind_rank="handler", proposer_rank="handler"
    )


def test_a_remedy_granted_by_a_higher_rank_waits_whatever_it_is_worth():
    free = {"amount": Decimal("0"), "limit": Decimal("100")}
    assert rules.needs_approval(**free, kind_rank="supervisor", proposer_rank="handler")  # an exchange at ¥0
    assert not rules.needs_approval(**free, kind_rank="supervisor", proposer_rank="supervisor")
    assert rules.needs_approval(**free, kind_rank="headquarters", proposer_rank="supervisor")
    assert rules.may_approve(**free, kind_rank="supervisor", approver_rank="supervisor")
    assert not rules.may_approve(**free, kind_rank="headquarters", approver_rank="supervisor")
    assert not rules.may_approve(**free, kind_rank="handler", approver_rank="handler")  # approvals: supervisors
    assert not rules.may_approve(
        amount=Decimal("101"), limit=Decimal("100"), kind_rank="handler", approver_rank="supervisor"
    )
    assert rules.may_approve(amount=Decimal("1e6"), limit=None, kind_rank="headquarters", approver_rank="headquarters")
