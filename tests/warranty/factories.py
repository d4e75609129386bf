import datetime as dt
from decimal import Decimal

from warranty.models import FeeSchedule, LabourRate, PartPrice


def published_schedule(effective_from=dt.date(2026, 1, 1), name="2026 收费标准", **rates) -> FeeSchedule:
    """A published schedule with phone repair labour, two parts and a visit fee."""
    schedule = FeeSchedule.objects.create(
        name=name,
        effective_from=effective_from,
        status=FeeSchedule.Status.PUBLISHED,
        visit_fee=rates.get("visit_fee", Decimal("50.00")),
    )
    LabourRate.objects.create(schedule=schedule, category="phone", service_type="repair", amount=Decimal("80.00"))
    LabourRate.objects.create(
        schedule=schedule, category="phone", service_type="software_adjustment", amount=Decimal("30.00")
    )
    PartPrice.objects.create(
        schedule=schedule, code="screen", name="屏幕总成", category="phone", price=Decimal("499.00")
    )
    PartPrice.objects.create(schedule=schedule, code="battery", name="电池", category="phone", price=Decimal("129.50"))
    return schedule
