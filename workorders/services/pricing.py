"""Pricing: quotes, on-site prices and the warranty reassessed."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.notify import notification_enqueue
from core.permissions import require_permission
from core.words import said
from warranty.engine import FaultType
from warranty.services import fee_schedule_mark_used, quote_compute
from workorders import events
from workorders.models import (
    FAULT_TYPES,
    WorkOrder,
)
from workorders.services._common import _locked_in_scope
from workorders.services.entitlement import redecide
from workorders.services.lifecycle import work_order_transition
from workorders.services.receiving import fault_type_for
from workorders.tracking import tracking_url

FEE_SERVICE_TYPE = {
    "repair": "repair",
    "installation": "installation",
    "maintenance": "repair",
    "software_adjustment": "software_adjustment",
}


def _price(order: WorkOrder, *, parts, onsite: bool, card_prices) -> None:
    """Quote lines and total from the fee schedule in force, on the locked order (not saved)."""
    service_type = FEE_SERVICE_TYPE.get(order.service_type)
    if service_type is None:
        raise ValidationError({"service_type": _("This kind of service is not charged by the fee schedule.")})
    result = quote_compute(
        category=order.product.category.code,
        service_type=service_type,
        parts=list(parts),
        in_warranty=order.in_warranty,
        onsite=onsite,
        card_prices=card_prices,
        installation_date=order.product.installation_date,
    )
    order.fee_schedule = result.schedule
    # A part's English name and the note's words with the line, so each reader reads it in their language
    # (warranty/templatetags).
    order.quote_lines = [
        {
            "kind": str(line.kind),
            "code": line.code,
            "description": line.description,
            "description_en": line.description_en,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
            "amount": str(line.amount),
            "note": line.note,
            "note_words": line.note_words,
        }
        for line in result.quote.lines
    ]
    order.quote_total = result.quote.total
    fee_schedule_mark_used(schedule=result.schedule)  # an order now depends on these prices


@transaction.atomic
def work_order_quote(*, work_order: WorkOrder, parts=(), onsite: bool = False, card_prices=None, actor) -> WorkOrder:
    """Price the job from the fee schedule in force and wait for the customer's approval."""
    order = _locked_in_scope(work_order, actor)
    _price(order, parts=parts, onsite=onsite, card_prices=card_prices)
    order.quote_approved_at, order.quote_approved_by = None, None
    order.save(update_fields=["fee_schedule", "quote_lines", "quote_total", "quote_approved_at", "quote_approved_by"])
    order = work_order_transition(
        work_order=order, transition="quote", actor=actor, reason=_("Quote ¥%(total)s") % {"total": order.quote_total}
    )
    _send_quote_link(order)
    return order


def _send_quote_link(order: WorkOrder) -> None:
    """The customer gets the quote's total and the tracking link, where they approve it with a signature."""
    notification_enqueue(
        kind="quote_ready",
        to=order.customer.message_phone(),
        context={
            "product": order.product,
            "number": order.number,
            "total": f"¥{order.quote_total}",
            "link": tracking_url(order.pk),
        },
        key=f"quote:{order.pk}:{order.version}",
    )


@transaction.atomic
def work_order_price_on_site(
    *, work_order: WorkOrder, parts=(), agreed_total: Decimal | None = None, card_prices=None, actor
) -> WorkOrder:
    """The engineer prices chargeable work on site (visit fee included), at the lower of the schedule
    and the customer's warranty card per line. `agreed_total` is the total the customer was shown and
    agreed to before the work: the consent counts only when it is the total priced now (charges that
    changed with this report have not been shown yet)."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    _price(order, parts=parts, onsite=True, card_prices=card_prices)
    approved = agreed_total is not None and agreed_total == order.quote_total
    order.quote_approved_at, order.quote_approved_by = (timezone.now(), actor) if approved else (None, None)
    order.version += 1
    order.save(
        update_fields=[
            "fee_schedule",
            "quote_lines",
            "quote_total",
            "quote_approved_at",
            "quote_approved_by",
            "version",
            "updated_at",
        ]
    )
    if approved:
        text = said(gettext_noop("On-site charges ¥%(total)s, agreed by the customer."), total=order.quote_total)
    else:
        text = said(gettext_noop("On-site charges ¥%(total)s"), total=order.quote_total)
    events.order_noted(order, actor=actor, text=text)
    return order


@transaction.atomic
def work_order_reassess_warranty(*, work_order: WorkOrder, human_damage: bool, actor) -> WorkOrder:
    """Decide the warranty again with what the engineer found (human damage ends free service)."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    order.fault_type = (
        FaultType.HUMAN_DAMAGE if human_damage else fault_type_for(water_or_drop_damage=order.damage_waiver_required)
    )
    order.version += 1
    order.save(update_fields=["fault_type", "version", "updated_at"])
    if human_damage:
        text = said(gettext_noop("Human damage found on site: warranty decided again."))
    else:
        text = said(gettext_noop("Warranty decided again."))
    events.order_noted(order, actor=actor, text=text)
    fault_type = dict(FAULT_TYPES)[order.fault_type]
    redecide(order, actor=actor, cause=said(gettext_noop("Fault type: %(type)s"), type=fault_type))
    return order
