import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from core.roles import Role
from tests.warranty.factories import published_schedule
from warranty.models import FeeSchedule
from warranty.services import (
    fee_schedule_create_draft,
    fee_schedule_mark_used,
    fee_schedule_publish,
    fee_schedule_update,
    quote_compute,
    schedule_in_force,
)

pytestmark = pytest.mark.django_db


def _rows(schedule):
    labour = [
        {"category": r.category, "service_type": r.service_type, "amount": r.amount}
        for r in schedule.labour_rates.all()
    ]
    parts = [
        {"code": p.code, "name": p.name, "category": p.category, "price": p.price} for p in schedule.part_prices.all()
    ]
    return labour, parts


def test_draft_copies_the_schedule_in_force_and_publishing_puts_it_in_force(network):
    admin = network.staff[Role.ADMIN]
    current = published_schedule()
    draft = fee_schedule_create_draft(
        name="2027 收费标准", effective_from=dt.date(2027, 1, 1), copy_from=current, actor=admin
    )
    assert draft.status == FeeSchedule.Status.DRAFT
    assert draft.labour_rates.count() == 2 and draft.part_prices.count() == 2
    labour, parts = _rows(draft)
    labour[0]["amount"] = Decimal("90.00")
    fee_schedule_update(
        schedule=draft,
        name=draft.name,
        effective_from=draft.effective_from,
        visit_fee=Decimal("60"),
        labour=labour,
        parts=parts[:1],
        actor=admin,
    )
    assert schedule_in_force(dt.date(2027, 1, 1)) == current  # a draft is not in force
    fee_schedule_publish(schedule=draft, actor=admin)
    assert schedule_in_force(dt.date(2026, 12, 31)) == current
    assert schedule_in_force(dt.date(2027, 1, 1)) == draft
    assert draft.part_prices.count() == 1
    assert current.labour_rates.get(service_type="repair").amount == Decimal("80.00")  # old version untouched


def test_a_schedule_used_by_an_order_cannot_change(network):
    admin = network.staff[Role.ADMIN]
    schedule = published_schedule()
    fee_schedule_mark_used(schedule=schedule)
    labour, parts = _rows(schedule)
    with translation.override("en"), pytest.raises(ValidationError, match="publish a new version"):
        fee_schedule_update(
            schedule=schedule,
            name="x",
            effective_from=schedule.effective_from,
            visit_fee=Decimal("1"),
            labour=labour,
            parts=parts,
            actor=admin,
        )
    schedule.refresh_from_db()
    assert schedule.name == "2026 收费标准"


def test_duplicate_rows_and_negative_fees_are_refused_with_field_names(network):
    admin = network.staff[Role.ADMIN]
    draft = fee_schedule_create_draft(name="d", effective_from=dt.date(2027, 1, 1), actor=admin)
    row = {"category": "phone", "service_type": "repair", "amount": Decimal("80")}
    with pytest.raises(ValidationError) as exc:
        fee_schedule_update(
            schedule=draft,
            name="d",
            effective_from=draft.effective_from,
            visit_fee=Decimal("-1"),
            labour=[row, row],
            parts=[],
            actor=admin,
        )
    assert set(exc.value.message_dict) == {"labour", "visit_fee"}
    with pytest.raises(ValidationError) as exc:
        fee_schedule_update(
            schedule=draft,
            name="d",
            effective_from=draft.effective_from,
            visit_fee=Decimal("0"),
            labour=[{**row, "amount": Decimal("-5")}],
            parts=[],
            actor=admin,
        )
    assert draft.labour_rates.count() == 0  # nothing half-saved


def test_publishing_needs_labour_rates_and_a_free_day(network):
    admin = network.staff[Role.ADMIN]
    published_schedule(effective_from=dt.date(2027, 1, 1))
    empty = fee_schedule_create_draft(name="e", effective_from=dt.date(2027, 2, 1), actor=admin)
    with pytest.raises(ValidationError) as exc:
        fee_schedule_publish(schedule=empty, actor=admin)
    assert "labour" in exc.value.message_dict
    clash = fee_schedule_create_draft(
        name="c", effective_from=dt.date(2027, 1, 1), copy_from=FeeSchedule.objects.get(status="published"), actor=admin
    )
    with pytest.raises(ValidationError) as exc:
        fee_schedule_publish(schedule=clash, actor=admin)
    assert "effective_from" in exc.value.message_dict


def test_only_admins_edit_schedules(network):
    with pytest.raises(PermissionDenied):
        fee_schedule_create_draft(name="x", effective_from=dt.date(2027, 1, 1), actor=network.staff[Role.SUPERVISOR])


def test_quote_uses_the_schedule_in_force_on_the_day():
    old = published_schedule()
    newer = published_schedule(effective_from=dt.date(2026, 7, 1), name="下半年")
    newer.labour_rates.filter(service_type="repair").update(amount=Decimal("100.00"))
    before = quote_compute(category="phone", service_type="repair", parts=[("screen", 1)], on=dt.date(2026, 6, 30))
    after = quote_compute(category="phone", service_type="repair", parts=[("screen", 1)], on=dt.date(2026, 7, 1))
    assert (before.schedule, before.quote.total) == (old, Decimal("579.00"))
    assert (after.schedule, after.quote.total) == (newer, Decimal("599.00"))


def test_quote_errors_name_the_field():
    published_schedule()
    with pytest.raises(ValidationError) as exc:
        quote_compute(category="tv", service_type="repair", on=dt.date(2026, 6, 1))
    assert "service_type" in exc.value.message_dict
    with translation.override("en"), pytest.raises(ValidationError, match="No fee schedule"):
        quote_compute(category="phone", service_type="repair", on=dt.date(2020, 1, 1))
