"""Demo data for `seed_demo`: the maker's 2026 settlement price list, claims made as in real work (callbacks
that close in-warranty repairs), one claim approved by headquarters, the south centre trusted to decide its
outlets' claims, last month's statement of the claim approved, and old parts tagged at bench repairs, the first
shipped to the centre."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import ServiceCentre, User
from followups.models import Callback, CallbackPlan
from followups.services import callback_claim, callback_record
from settlement.models import (
    DistanceBand,
    ReturnTag,
    SettlementLabourRate,
    SettlementPartPrice,
    SettlementPriceList,
    WarrantyClaim,
)
from settlement.services import claim_decide, claim_recheck, shipment_send, statements_issue
from warranty.demo import LABOUR, PARTS
from workorders.lifecycle import Status
from workorders.models import WorkOrder
from workorders.services import work_order_quote, work_order_transition

NAME, NAME_EN = "2026 年服务费结算价", "2026 settlement prices"
BANDS = [(15, "0.00"), (30, "20.00"), (50, "40.00"), (None, "60.00")]
ONSITE = ("tv", "refrigerator", "washing_machine", "air_conditioner")


@transaction.atomic
def seed() -> str:
    if SettlementPriceList.objects.exists():
        return "settlement: present"
    price_list = SettlementPriceList.objects.create(
        name=NAME,
        name_en=NAME_EN,
        effective_from=dt.date(2026, 1, 1),
        status=SettlementPriceList.Status.PUBLISHED,
        exchange_handling=Decimal("30.00"),
        return_handling=Decimal("20.00"),
        deduct_callback_finding=Decimal("50.00"),
        deduct_late_visit=Decimal("20.00"),
        deduct_complaint_upheld=Decimal("200.00"),
    )
    # The maker pays about half the customer's labour price at the bench, a little more on site.
    SettlementLabourRate.objects.bulk_create(
        SettlementLabourRate(
            price_list=price_list,
            category=category,
            service_type=service,
            place=place,
            amount=(Decimal(amount) * factor).quantize(Decimal("1")),
        )
        for category, services in LABOUR.items()
        for service, amount in services.items()
        if service in WorkOrder.ServiceType.values
        for place, factor in (("bench", Decimal("0.5")), ("onsite", Decimal("0.6")))
        if place == "bench" or category in ONSITE
    )
    DistanceBand.objects.bulk_create(
        DistanceBand(price_list=price_list, up_to_km=km, travel=Decimal(travel)) for km, travel in BANDS
    )
    SettlementPartPrice.objects.bulk_create(
        SettlementPartPrice(
            price_list=price_list, code=code, price=(Decimal(price) * Decimal("0.7")).quantize(Decimal("1"))
        )
        for code, _name, _name_en, _category, price in PARTS
    )
    admin = User.objects.get(username="admin")
    # Orders closed before the price list existed: their claims wait for it; checked again now.
    for claim in WarrantyClaim.objects.filter(status__in=[WarrantyClaim.Status.HELD, WarrantyClaim.Status.PENDING]):
        claim_recheck(claim=claim, actor=admin)
    _callbacks_made()
    _old_parts_replaced()
    ServiceCentre.objects.filter(code="south").update(decides_claims=True)
    pending = WarrantyClaim.objects.filter(status=WarrantyClaim.Status.PENDING).order_by("id").first()
    if pending is not None:
        claim_decide(claim=pending, decision="approve", actor=admin)
        # Approved last month (the demo's history starts today): last month's statement has it to sign off.
        last_month = timezone.localtime().replace(day=1, hour=12) - dt.timedelta(days=1)
        WarrantyClaim.objects.filter(pk=pending.pk).update(decided_at=last_month)
        statements_issue(month=last_month.date(), actor=admin)
    counts = Counter(WarrantyClaim.objects.values_list("status", flat=True))
    return f"settlement: price list, claims {dict(counts)}"


def _old_parts_replaced() -> None:
    """In-warranty walk-ins repaired with a new part (tagged at "repair finished"); the first one's part is
    shipped to the centre, where the shipment waits to be inspected."""
    parts = {category: code for code, _name, _name_en, category, _price in PARTS}
    orders = WorkOrder.objects.filter(
        status=Status.RECEIVED,
        channel=WorkOrder.Channel.WALK_IN,
        in_warranty=True,
        product__category__code__in=parts,
    ).select_related("product__category", "outlet")
    tagged = []
    for order in orders.order_by("id")[:3]:
        clerk = User.objects.filter(outlets=order.outlet, groups__name="front_desk", is_active=True).first()
        if clerk is None:
            continue
        order = work_order_quote(work_order=order, parts=[(parts[order.product.category.code], 1)], actor=clerk)
        for step in ("approve_quote", "start_service", "finish_repair"):
            order = work_order_transition(work_order=order, transition=step, actor=clerk)
        tagged.append((clerk, order))
    if len(tagged) >= 2:  # the first shipped, the others still to ship
        clerk, first = tagged[0]
        tags = list(ReturnTag.objects.filter(work_order=first))
        shipment_send(
            outlet=first.outlet, tags=tags, carrier="顺丰速运", tracking_number="SF1402658830051", actor=clerk
        )


def _callbacks_made() -> None:
    """The queued 72-hour callbacks of in-warranty repairs made by the outlets' hotline: "satisfied" closes
    each order, and its claim is made as in real work."""
    queued = Callback.objects.filter(
        status=Callback.Status.QUEUED,
        plan__trigger=CallbackPlan.Trigger.SERVICE_COMPLETED,
        work_order__in_warranty=True,
        work_order__repaired_at__isnull=False,
    ).select_related("outlet")
    for callback in queued.order_by("id")[:4]:
        clerk = User.objects.filter(outlets=callback.outlet, groups__name="hotline", is_active=True).first()
        if clerk is None:
            continue
        callback_claim(callback=callback, actor=clerk)
        callback_record(callback=callback, outcome="satisfied", notes="用户表示满意", actor=clerk)
