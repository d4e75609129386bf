"""Returns and exchanges (三包 退货 / 换货) carried out: the unit taken back and kept for the maker, the new
unit or the refund, the customer's signature; the order closes. Offered only when the order's decision,
made again at that moment, allows it, or as a complaint remedy approved by rank."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_permission
from warranty.engine import Decision, FaultType, Option, ReturnTerms
from workorders.lifecycle import SWAPPABLE
from workorders.models import Payment, Product, UnitSwap, WorkOrder
from workorders.services._common import _check_signature, _locked_in_scope
from workorders.services.entitlement import evaluate, evaluation_for
from workorders.services.lifecycle import work_order_transition


@dataclass(frozen=True)
class SwapTerms:
    """What 三包 grants this order today, for the return and exchange page and the API."""

    exchange: bool
    return_: bool
    decision: Decision | None
    price: Decimal | None  # what was paid for the unit, as far as known
    depreciation_fee: Decimal | None  # for that price, where the return is less depreciation
    refund_due: Decimal | None  # the least the customer is owed back

    @property
    def any(self) -> bool:
        return self.exchange or self.return_


def swap_terms(order: WorkOrder, *, price: Decimal | None = None) -> SwapTerms:
    """The return/exchange rights of an open order, decided again now (the refund for `price`, else the
    product's recorded price)."""
    price = price if price is not None else order.product.price
    evaluation = evaluation_for(order, price=price) if order.status in SWAPPABLE else None
    decision = evaluation.decision if evaluation else None
    options = set(decision.options) if decision else set()
    fee = refund = None
    if decision is not None and Option.RETURN in options and price is not None:
        fee = Decimal("0.00") if decision.return_terms == ReturnTerms.FULL_REFUND else decision.depreciation_fee
        refund = price - (fee or Decimal("0.00"))
    return SwapTerms(
        exchange=Option.EXCHANGE in options,
        return_=Option.RETURN in options,
        decision=decision,
        price=price,
        depreciation_fee=fee,
        refund_due=refund,
    )


def _granted(order: WorkOrder, terms: SwapTerms, *, allowed: bool, remedy: str, what: str) -> list[dict]:
    """The rules the swap rests on; refused when 三包 does not grant it and no approved remedy does."""
    if allowed:
        return [r.stored() for r in terms.decision.reasons]
    if remedy:
        return [{"code": "approved_remedy", "text": remedy}]
    raise ValidationError(
        {
            "__all__": _(
                "The three guarantees do not grant a %(what)s for this order. Outside them it is a remedy "
                "a supervisor approves on a complaint case."
            )
            % {"what": what}
        }
    )


SLIP_PREFIXES = {UnitSwap.Kind.EXCHANGE: "HH", UnitSwap.Kind.RETURN: "TH"}  # 换货 / 退货


def _slip_number(kind: str, order: WorkOrder) -> str:
    return f"{SLIP_PREFIXES[kind]}{order.number}"


def _take_back(order: WorkOrder, kind: str, *, signature: str, signature_refused: bool, actor, text: str, **fields):
    """Keep the old unit for the maker, save the swap, close the order with the slip on the timeline."""
    swap = UnitSwap(
        work_order=order,
        outlet_id=order.outlet_id,
        kind=kind,
        number=_slip_number(kind, order),
        old_product=order.product,
        signature="" if signature_refused else signature,
        signature_refused=signature_refused,
        granted_by=actor,
        **fields,
    )
    Product.objects.filter(pk=order.product_id).update(taken_back_on=timezone.localdate())
    swap.full_clean(exclude=["work_order", "outlet", "old_product", "new_product", "granted_by"])
    swap.save()
    work_order_transition(work_order=order, transition=kind, actor=actor, reason=text, by_service=True)
    return swap


@transaction.atomic
def work_order_exchange(
    *,
    work_order: WorkOrder,
    new_serial: str,
    new_model: str = "",
    signature: str = "",
    signature_refused: bool = False,
    remedy: str = "",
    actor,
) -> UnitSwap:
    """换货: the unit is taken back, a new one with its own serial goes home with the customer, and its 三包
    periods start today. `remedy` (set by the complaints service only) names the approval that grants
    it outside 三包."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    _check_open(order)
    terms = swap_terms(order)
    errors = {}
    new_serial = new_serial.strip()
    if not new_serial:
        errors["new_serial"] = _("Record the new unit's serial / IMEI.")
    elif new_serial == order.product.serial:
        errors["new_serial"] = _("The new unit must have another serial than the one taken back.")
    _check_signature(signature, signature_refused, errors)
    if errors:
        raise ValidationError(errors)
    rules = _granted(order, terms, allowed=terms.exchange, remedy=remedy, what=_("exchange"))
    old = order.product
    new = Product(
        customer_id=old.customer_id,
        category_id=old.category_id,
        brand=old.brand,
        model=new_model.strip() or old.model,
        serial=new_serial,
        purchase_date=old.purchase_date,
        proof=old.proof,
        price=old.price,
        dealer=old.dealer,
        replaced_on=timezone.localdate(),
    )
    new._history_user = actor
    new.save()  # no purchase callbacks: the customer bought nothing new
    text = _("Exchanged: %(old)s taken back, new unit %(new)s (slip %(slip)s).") % {
        "old": old.serial or old,
        "new": new_serial,
        "slip": _slip_number(UnitSwap.Kind.EXCHANGE, order),
    }
    return _take_back(
        order,
        UnitSwap.Kind.EXCHANGE,
        new_product=new,
        remedy=remedy,
        rules=rules,
        signature=signature,
        signature_refused=signature_refused,
        actor=actor,
        text=text,
    )


@transaction.atomic
def work_order_return(
    *,
    work_order: WorkOrder,
    price_paid: Decimal,
    refund_amount: Decimal,
    refund_method: str,
    signature: str = "",
    signature_refused: bool = False,
    remedy: str = "",
    actor,
) -> UnitSwap:
    """退货: the unit is taken back and the money paid back, with a receipt: in full within the return
    period, less the depreciation fee the policy allows after repeated repairs (never less than the
    policy's refund, never more than was paid)."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    _check_open(order)
    errors = {}
    if price_paid is None or price_paid <= 0:
        errors["price_paid"] = _("Enter what the customer paid for the unit (the invoice).")
    terms = swap_terms(order, price=price_paid if not errors else None)
    if refund_amount is None or refund_amount < 0:
        errors["refund_amount"] = _("Enter the amount paid back.")
    elif price_paid and refund_amount > price_paid:
        errors["refund_amount"] = _("The refund cannot be more than the customer paid (¥%(paid)s).") % {
            "paid": price_paid
        }
    elif terms.refund_due is not None and refund_amount < terms.refund_due:
        errors["refund_amount"] = _("Under the three guarantees the customer is owed at least ¥%(due)s back.") % {
            "due": terms.refund_due
        }
    if refund_method not in Payment.Method.values:
        errors["refund_method"] = _("Say how the money is paid back.")
    _check_signature(signature, signature_refused, errors)
    if errors:
        raise ValidationError(errors)
    rules = _granted(order, terms, allowed=terms.return_, remedy=remedy, what=_("return"))
    text = _("Returned: the unit taken back, ¥%(amount)s paid back (receipt %(slip)s).") % {
        "amount": refund_amount,
        "slip": _slip_number(UnitSwap.Kind.RETURN, order),
    }
    return _take_back(
        order,
        UnitSwap.Kind.RETURN,
        price_paid=price_paid,
        depreciation_fee=terms.depreciation_fee,
        refund_amount=refund_amount,
        refund_method=refund_method,
        remedy=remedy,
        rules=rules,
        signature=signature,
        signature_refused=signature_refused,
        actor=actor,
        text=text,
    )


def _check_open(order: WorkOrder) -> None:
    if order.status not in SWAPPABLE:
        raise ValidationError(_("Only an open order that has not been handed back can end in a return or exchange."))
    if order.fault_type == FaultType.NO_FAULT:
        raise ValidationError(_("No fault was found: there is nothing to return or exchange."))


def new_unit_rights(swap: UnitSwap, *, on: date | None = None) -> Decision | None:
    """The new unit's 三包 periods, counted from the exchange day (the slip and the order page show them)."""
    if swap.new_product is None:
        return None
    day = on or timezone.localdate(swap.granted_at)
    evaluation = evaluate(swap.new_product, fault_type=FaultType.PERFORMANCE, fault_date=day, today=day)
    return evaluation.decision if evaluation else None
