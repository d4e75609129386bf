"""Hotline: calls and message slips."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lifecycle import Lifecycle, move
from core.models import Outlet
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope
from workorders.lifecycle import call_logged
from workorders.models import (
    Call,
    Customer,
    MessageSlip,
    Product,
    WorkOrder,
)
from workorders.services._common import _phones, _require_outlet
from workorders.services.lifecycle import work_order_transition
from workorders.services.receiving import work_order_receive

# A message slip's lifecycle (core.lifecycle): taken open, routed, answered once.
S = MessageSlip.Status
SLIP = Lifecycle(S, [move("answer", {S.OPEN}, S.ANSWERED)], initial={S.OPEN})


@transaction.atomic
def call_log(
    *,
    outlet: Outlet,
    caller_phone: str,
    call_type: str,
    summary: str,
    outcome: str = "",
    phone_guidance: bool = False,
    guidance_advice: str = "",
    work_order: WorkOrder | None = None,
    product: Product | None = None,
    actor,
) -> Call:
    """Record a call. Guidance that solved a request closes its order to the 2-hour callback (no visit):
    the order named, or one made for the caller's product (the one picked when they have several)."""
    require_permission(actor, "workorders.add_call")
    _require_outlet(actor, outlet)
    number = _phones([caller_phone])[0] if caller_phone else None
    if number is None:
        raise ValidationError({"caller_phone": _("At least one phone number is needed.")})
    if phone_guidance and not guidance_advice.strip():
        raise ValidationError({"guidance_advice": _("Write down the guidance given.")})
    customer = Customer.objects.filter(phones__number=number).order_by("-id").first()
    if product is not None:
        if not product.customer.phones.filter(number=number).exists():
            raise ValidationError({"product": _("This product is not the caller's.")})
        customer = product.customer
    if phone_guidance and work_order is None and customer is None:
        raise ValidationError(
            {
                "number": _(
                    "Name the order the guidance is for, or register the caller first: the 2-hour callback needs them."
                )
            }
        )
    if phone_guidance and work_order is None:
        work_order = _order_for_guidance(outlet, customer, product, summary.strip(), actor)
    call = Call(
        outlet=outlet,
        taken_by=actor,
        caller_phone=number,
        customer=customer,
        call_type=call_type,
        summary=summary.strip(),
        outcome=outcome.strip(),
        phone_guidance=phone_guidance,
        guidance_advice=guidance_advice.strip(),
        work_order=work_order,
    )
    call.full_clean()
    call.save()
    if work_order is not None and phone_guidance:
        work_order_transition(
            work_order=work_order, transition="resolve_by_phone", actor=actor, reason=guidance_advice.strip()
        )
    call_logged.send(sender=Call, call=call, actor=actor)
    return call


def _order_for_guidance(
    outlet: Outlet, customer: Customer, product: Product | None, summary: str, actor
) -> WorkOrder | None:
    """Guidance that names no order makes one for the product it was about: the 2-hour callback then
    closes it, or sends it to dispatch when the guidance did not help. A caller with several products
    is asked which one; one with none registered gets the callback without an order."""
    if product is None:
        products = list(customer.products.filter(taken_back_on__isnull=True)[:2])
        if len(products) > 1:
            raise ValidationError({"product": _("The caller has several products: pick the one the guidance was for.")})
        if not products:
            return None
        product = products[0]
    return work_order_receive(
        outlet=outlet,
        customer=customer,
        product=product,
        channel=WorkOrder.Channel.HOTLINE,
        service_type=WorkOrder.ServiceType.CONSULTATION,
        fault_description=summary,
        actor=actor,
    )


@transaction.atomic
def message_slip_take(
    *,
    outlet: Outlet,
    caller_name: str,
    caller_phone: str,
    message: str,
    address: str = "",
    best_time: str = "",
    recipient=None,
    recipient_role: str = "",
    actor,
) -> MessageSlip:
    """A message for someone not available, routed to a person or to a role of the outlet."""
    require_permission(actor, "workorders.add_messageslip")
    _require_outlet(actor, outlet)
    if recipient is not None and not in_scope(recipient, outlet.pk):
        raise ValidationError({"recipient": _("The recipient must work at this outlet.")})
    if recipient_role and recipient_role not in Role.values:
        raise ValidationError({"recipient_role": _("Unknown role.")})
    if recipient is None and not recipient_role:
        raise ValidationError({"recipient": _("Route the slip to a person or a role.")})
    slip = MessageSlip(
        outlet=outlet,
        taken_by=actor,
        caller_name=caller_name.strip(),
        caller_phone=_phones([caller_phone])[0] if caller_phone else "",
        address=address.strip(),
        message=message.strip(),
        best_time=best_time.strip(),
        recipient=recipient,
        recipient_role=recipient_role,
    )
    slip.full_clean()
    slip.save()
    return slip


@transaction.atomic
def message_slip_answer(*, slip: MessageSlip, answer: str, actor) -> MessageSlip:
    require_permission(actor, "workorders.change_messageslip")
    slip = MessageSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.status == MessageSlip.Status.ANSWERED:
        raise ValidationError(_("This message slip was already answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write what was done.")})
    SLIP.move(slip, "answer")
    slip.answered_by, slip.answered_at, slip.answer = actor, timezone.now(), answer.strip()
    slip.save(update_fields=["status", "answered_by", "answered_at", "answer"])
    return slip
