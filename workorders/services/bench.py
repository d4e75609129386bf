"""The bench: repair record, payment, pickup, agreements and details."""

import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ConflictError
from core.permissions import require_permission
from core.words import label_words, said
from warranty.engine import COMPONENT_LABELS, component_label
from workorders import events
from workorders.lifecycle import Status
from workorders.models import (
    Payment,
    Product,
    WorkOrder,
)
from workorders.services._common import _check_signature, _locked_in_scope
from workorders.services.entitlement import redecide
from workorders.services.lifecycle import work_order_transition
from workorders.services.receiving import _missing_info


@transaction.atomic
def payment_take(*, work_order: WorkOrder, amount, method: str, actor) -> Payment:
    """Money received for an order, with its own receipt number."""
    order = _locked_in_scope(work_order, actor)
    if method not in Payment.Method.values:
        raise ValidationError({"payment_method": _("Pick how the customer pays.")})
    return Payment.objects.create(
        work_order=order,
        outlet_id=order.outlet_id,
        receipt_number=f"R{order.number}-{order.payments.count() + 1}",
        amount=amount,
        method=method,
        received_by=actor,
    )


@transaction.atomic
def work_order_record_repair(
    *,
    work_order: WorkOrder,
    fault_confirmed: str,
    cause: str,
    actions_taken: str,
    parts_replaced: str,
    fault_component: str = "",
    actor,
) -> WorkOrder:
    """The technician's repair record; may be completed after the visit. The part found at fault (when
    given) decides the warranty again: its own period, and its own earlier repairs."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    if fault_component and fault_component not in COMPONENT_LABELS:
        raise ValidationError({"fault_component": _("Pick the part from the list.")})
    order.fault_confirmed, order.cause = fault_confirmed.strip(), cause.strip()
    order.actions_taken, order.parts_replaced = actions_taken.strip(), parts_replaced.strip()
    component_found = bool(fault_component) and fault_component != order.fault_component
    order.fault_component = fault_component or order.fault_component
    order.version += 1
    order.save(
        update_fields=[
            "fault_confirmed",
            "cause",
            "actions_taken",
            "parts_replaced",
            "fault_component",
            "version",
            "updated_at",
        ]
    )
    events.order_noted(order, actor=actor, text=said(gettext_noop("Repair record updated.")))
    if component_found:
        part = label_words(partial(component_label, order.fault_component))
        redecide(order, actor=actor, cause=said(gettext_noop("Faulty part found: %(part)s"), part=part))
    return order


@transaction.atomic
def work_order_pickup(
    *,
    work_order: WorkOrder,
    pickup_code: str,
    payment_method: str = "",
    signature: str = "",
    signature_refused: bool = False,
    rating: int | None = None,
    comment: str = "",
    actor,
) -> WorkOrder:
    """Hand a repaired walk-in back: check the code, take payment, the customer signs and rates."""
    order = _locked_in_scope(work_order, actor)
    errors = {}
    if order.status != Status.REPAIRED:
        raise ValidationError(_("Only a repaired order can be picked up."))
    if not secrets.compare_digest(pickup_code.strip(), order.pickup_code):
        errors["pickup_code"] = _("The pickup code does not match.")
    due = order.amount_due
    if due > 0 and payment_method not in Payment.Method.values:
        errors["payment_method"] = _("Take the payment of ¥%(amount)s first.") % {"amount": due}
    _check_signature(signature, signature_refused, errors)
    if rating is not None and not 1 <= rating <= 5:
        errors["rating"] = _("Rate from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    if due > 0:
        payment_take(work_order=order, amount=due, method=payment_method, actor=actor)
    order.picked_up_at = timezone.now()
    order.pickup_signature = "" if signature_refused else signature
    order.pickup_signature_refused = signature_refused
    order.satisfaction_rating, order.satisfaction_comment = rating, comment.strip()
    order.save(
        update_fields=[
            "picked_up_at",
            "pickup_signature",
            "pickup_signature_refused",
            "satisfaction_rating",
            "satisfaction_comment",
        ]
    )
    return work_order_transition(work_order=order, transition="hand_back", actor=actor)


@transaction.atomic
def work_order_record_agreement(*, work_order: WorkOrder, agreement: str, actor) -> WorkOrder:
    """The customer acknowledged the data-loss warning or signed the water/drop damage waiver."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    if agreement == "data_loss":
        order.data_loss_acknowledged = True
        text = said(gettext_noop("The customer acknowledged that repair may erase stored data."))
    elif agreement == "damage_waiver":
        order.damage_waiver_signed_at = timezone.now()
        text = said(gettext_noop("The customer signed the water/drop damage waiver."))
    else:
        raise ValidationError({"agreement": _("Unknown agreement.")})
    order.version += 1
    order.save(update_fields=["data_loss_acknowledged", "damage_waiver_signed_at", "version", "updated_at"])
    events.order_noted(order, actor=actor, text=text)
    return order


@transaction.atomic
def work_order_complete_details(
    *,
    work_order: WorkOrder,
    expected_version: int,
    address: str,
    model: str,
    purchase_date,
    proof: str,
    fault_description: str,
    requested_time,
    actor,
) -> WorkOrder:
    """Fill in what intake lacked (often after calling the customer); the missing list and the
    warranty decision are worked out again. A stale form is refused, not merged."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    if order.version != expected_version:
        raise ConflictError(_("Someone else changed this work order meanwhile; reload it and try again."))
    if purchase_date and purchase_date > timezone.localdate():
        raise ValidationError({"purchase_date": _("The purchase date is in the future.")})
    if not fault_description.strip():
        raise ValidationError({"fault_description": _("Describe the fault as the customer tells it.")})
    product = Product.objects.select_for_update().get(pk=order.product_id)
    product.model, product.purchase_date, product.proof = model.strip(), purchase_date, proof
    product.full_clean()
    product._history_user = actor
    product.save()
    order.product = product
    order.address, order.fault_description, order.requested_time = (
        address.strip(),
        fault_description.strip(),
        requested_time,
    )
    order.missing_info = _missing_info(
        has_phone=order.customer.phones.exists(),
        product=product,
        channel=order.channel,
        address=order.address,
        fault=order.fault_description,
    )
    order.version += 1
    order.save()
    events.order_noted(order, actor=actor, text=said(gettext_noop("Details completed.")))
    redecide(order, actor=actor, cause=said(gettext_noop("Details completed")))
    return order


@transaction.atomic
def pickup_rated_by_customer(*, order: WorkOrder, rating: int, comment: str = "") -> WorkOrder:
    """The customer rates a walk-in handed back without a rating, from the tracking page: the same card
    the counter records at pickup, so the same KPIs count it. A rating is never changed afterwards."""
    found = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if found.picked_up_at is None or found.satisfaction_rating is not None:
        raise ConflictError(_("This repair has been rated already, or it is not handed back yet."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    found.satisfaction_rating, found.satisfaction_comment = rating, comment.strip()[:500]
    found.save(update_fields=["satisfaction_rating", "satisfaction_comment"])
    events.order_noted(
        found, actor=None, text=said(gettext_noop("The customer rated the repair %(rating)s of 5."), rating=rating)
    )
    return found
