import datetime as dt
from decimal import Decimal

from settlement.models import DistanceBand, SettlementLabourRate, SettlementPartPrice, SettlementPriceList


def published_price_list(effective_from=dt.date(2026, 1, 1), **fees) -> SettlementPriceList:
    """Phone repair ¥40 at the bench, air-conditioner repair ¥60 on site, travel ¥0 up to 15 km, ¥20 up to
    30 km, ¥45 beyond; a screen ¥300; exchange handling ¥30, return handling ¥20."""
    price_list = SettlementPriceList.objects.create(
        name="2026 结算价",
        effective_from=effective_from,
        status=SettlementPriceList.Status.PUBLISHED,
        exchange_handling=fees.get("exchange_handling", Decimal("30.00")),
        return_handling=fees.get("return_handling", Decimal("20.00")),
        deduct_callback_finding=fees.get("deduct_callback_finding", Decimal("0.00")),
        deduct_late_visit=fees.get("deduct_late_visit", Decimal("0.00")),
        deduct_complaint_upheld=fees.get("deduct_complaint_upheld", Decimal("0.00")),
    )
    for category, place, amount in [("phone", "bench", "40.00"), ("air_conditioner", "onsite", "60.00")]:
        SettlementLabourRate.objects.create(
            price_list=price_list, category=category, service_type="repair", place=place, amount=Decimal(amount)
        )
    for up_to, travel in [(15, "0.00"), (30, "20.00"), (None, "45.00")]:
        DistanceBand.objects.create(price_list=price_list, up_to_km=up_to, travel=Decimal(travel))
    SettlementPartPrice.objects.create(price_list=price_list, code="screen", price=Decimal("300.00"))
    return price_list
