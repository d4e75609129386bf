"""Receiving a request: the order, its number and its warranty decision."""

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.models import Outlet
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.validation import validate_values
from warranty.engine import WHOLE_UNIT, FaultType
from warranty.services import Evaluation
from workorders import events
from workorders.clocks import Clocks
from workorders.models import (
    Customer,
    DailySequence,
    Product,
    ProductCategory,
    WorkOrder,
)
from workorders.services._common import _require_outlet
from workorders.services.entitlement import Facts, decision_fields, evaluate, facts_of
from workorders.tracking import tracking_url


def _next_number() -> str:
    """YYMMDD + a 5-digit sequence of the day, network-wide: sortable and easy to read out.

    One statement that also locks the day's row until the transaction ends: every intake of the
    network waits for it, so callers take the number just before inserting the order.
    """
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DailySequence._meta.db_table} (day, last) VALUES (%s, 1) "  # noqa: S608 (the model's table)
            f"ON CONFLICT (day) DO UPDATE SET last = {DailySequence._meta.db_table}.last + 1 RETURNING last",
            [today],
        )
        (last,) = cursor.fetchone()
    return f"{today:%y%m%d}{last:05d}"


def _missing_info(*, has_phone: bool, product: Product, channel: str, address: str, fault: str) -> list[str]:
    """What must be completed before an engineer is sent (DOMAIN "Intake")."""
    missing = []
    if channel in (WorkOrder.Channel.ONSITE_REQUEST, WorkOrder.Channel.SELF_SERVICE) and not address.strip():
        missing.append("address")
    if not has_phone:
        missing.append("phone")
    if not product.model:
        missing.append("model")
    if not product.purchase_date:
        missing.append("purchase_date")
    if len(fault.strip()) < 2:  # "漏水" says enough; "坏" does not
        missing.append("fault")
    return missing


def fault_type_for(*, water_or_drop_damage: bool) -> FaultType:
    """Water or drop damage takes a product out of free service (三包) as well as needing the waiver."""
    return FaultType.HUMAN_DAMAGE if water_or_drop_damage else FaultType.PERFORMANCE


def warranty_after_repairs(product: Product, *, prior_repairs: int) -> Evaluation | None:
    """What the customer may choose today after `prior_repairs` repairs of the same fault (after two,
    三包 usually allows an exchange or a return): the complaint handler's starting point."""
    facts = Facts(prior_repairs=prior_repairs, counted=[], last_repair_date=None, clocks=Clocks())
    return evaluate(product, fault_type=FaultType.PERFORMANCE, fault_date=timezone.localdate(), facts=facts)


def warranty_preview(
    *,
    category: ProductCategory,
    purchase_date,
    proof: str,
    water_or_drop_damage: bool,
    production_date=None,
    product: Product | None = None,
    fault_component: str | None = None,
) -> dict | None:
    """The decision intake shows before anything is saved: for the product as typed, or for the product
    picked with its own dates and the unit's earlier repairs of the part (the orders counted)."""
    product = product or Product(
        category=category, purchase_date=purchase_date, proof=proof, production_date=production_date
    )
    order = WorkOrder(
        product=product,
        fault_type=fault_type_for(water_or_drop_damage=water_or_drop_damage),
        fault_component=fault_component or WHOLE_UNIT,
    )
    today = timezone.localdate()
    facts = facts_of(order, today=today) if product.pk else None
    evaluation = evaluate(product, fault_type=FaultType(order.fault_type), fault_date=today, facts=facts)
    if evaluation is None:
        return None
    return {"decision": evaluation.decision, "counted": facts.counted if facts else []}


def work_order_receive(
    *,
    outlet: Outlet,
    customer: Customer,
    product: Product,
    channel: str,
    service_type: str,
    fault_description: str,
    fault_type: FaultType = FaultType.PERFORMANCE,
    fault_component: str = WHOLE_UNIT,
    water_or_drop_damage: bool = False,
    requested_time: datetime | None = None,
    requirements: str = "",
    address: str = "",
    priority: str = WorkOrder.Priority.NORMAL,
    data_loss_acknowledged: bool = False,
    estimated_ready_at: datetime | None = None,
    notify_by_phone: bool = True,
    idempotency_key: str | None = None,
    actor,
) -> WorkOrder:
    """Log a request (walk-in or call). A repeated idempotency key returns the first order."""
    details = {
        "outlet": outlet,
        "customer": customer,
        "product": product,
        "channel": channel,
        "service_type": service_type,
        "fault_description": fault_description,
        "fault_type": fault_type,
        "fault_component": fault_component,
        "water_or_drop_damage": water_or_drop_damage,
        "requested_time": requested_time,
        "requirements": requirements,
        "address": address,
        "priority": priority,
        "data_loss_acknowledged": data_loss_acknowledged,
        "estimated_ready_at": estimated_ready_at,
        "notify_by_phone": notify_by_phone,
    }

    @transaction.atomic
    def receive():
        return _receive(has_phone=customer.phones.exists(), idempotency_key=idempotency_key, actor=actor, **details)

    return _once(idempotency_key, receive, actor=actor, request=_request_fingerprint(details))


# What a repeat with the same idempotency key must repeat: the same request at the same outlet.
_FINGERPRINT_FIELDS = ("channel", "service_type", "fault_description")


def _send_tracking_link(order: WorkOrder, to: str | None) -> None:
    """The customer gets the order's tracking link by message at intake (the outbox, with this transaction),
    at `to` when the caller knows the number, else at the customer's message phone (a read)."""
    notification_enqueue(
        kind="order_received",
        to=to or order.customer.message_phone(),
        context={
            "outlet": order.outlet.name,
            "product": order.product,
            "number": order.number,
            "link": tracking_url(order.pk),
        },
        key=f"received:{order.pk}",
    )


def _request_fingerprint(fields: dict) -> dict:
    return {
        "outlet_id": fields["outlet"].pk,
        **{name: fields[name] for name in _FINGERPRINT_FIELDS if name in fields},
    }


def _once(idempotency_key: str | None, action, *, actor, request: dict) -> WorkOrder:
    """Run `action` (one transaction that logs an order) unless the key has logged one already.

    A key belongs to the user who sent it (unique per creator): another user's key is a new key, never
    a way to read their order. A repeat with a different request is a conflict, not the first order.
    The key is not looked up first: it is usually new, and the unique key refuses a repeat anyway.
    """
    try:
        return action()
    except IntegrityError:
        # The key had logged an order already (a retry, or a double submit that raced this one): all
        # this one wrote (a customer, a product, the day's number) was rolled back with its transaction.
        if not idempotency_key:
            raise
        existing = (
            WorkOrder.objects.select_related("customer", "product__category", "outlet", "owner")
            .filter(created_by=actor, idempotency_key=idempotency_key)
            .first()
        )
        if existing is None:
            raise
        repeated = {"outlet_id": existing.outlet_id, **{name: getattr(existing, name) for name in _FINGERPRINT_FIELDS}}
        request = {**request, "fault_description": request.get("fault_description", "").strip()}
        if any(repeated[name] != value for name, value in request.items()):
            raise ConflictError(
                _("This idempotency key was used for a different request (order %(number)s). Use a new key.")
                % {"number": existing.number}
            ) from None
        return existing


def _receive(
    *,
    outlet,
    customer,
    product,
    has_phone: bool,
    channel: str,
    service_type: str,
    fault_description: str,
    fault_type: FaultType = FaultType.PERFORMANCE,
    fault_component: str = WHOLE_UNIT,
    water_or_drop_damage: bool = False,
    requested_time: datetime | None = None,
    requirements: str = "",
    address: str = "",
    priority: str = WorkOrder.Priority.NORMAL,
    data_loss_acknowledged: bool = False,
    estimated_ready_at: datetime | None = None,
    notify_by_phone: bool = True,
    idempotency_key: str | None,
    actor,
    by_customer: bool = False,
    new_product: bool = False,
    message_to: str | None = None,
) -> WorkOrder:
    """The order itself, in the caller's transaction (work_order_receive's arguments and defaults;
    `by_customer`: booked on the self-service page, workorders.services.customer_side; `new_product`: the
    product was registered in this transaction, so without a serial its unit has no history to read;
    `message_to`: the number the tracking link goes to, when the caller has it: a customer registered in this
    transaction has only the phone typed)."""
    if not by_customer:
        require_permission(actor, "workorders.add_workorder")
        _require_outlet(actor, outlet)
    if product.customer_id != customer.pk:
        raise ValidationError({"product": _("This product belongs to another customer.")})
    if product.taken_back_on is not None:
        taken_back = _("This unit was taken back on %(day)s (a return or an exchange): pick the unit the customer has.")
        raise ValidationError({"product": taken_back % {"day": product.taken_back_on}})
    if not fault_description.strip():
        raise ValidationError({"fault_description": _("Describe the fault as the customer tells it.")})
    order = WorkOrder(
        channel=channel,
        service_type=service_type,
        priority=priority,
        outlet=outlet,
        owner=actor,
        customer=customer,
        product=product,
        fault_description=fault_description.strip(),
        requested_time=requested_time,
        requirements=requirements,
        address=address.strip(),
        missing_info=_missing_info(
            has_phone=has_phone, product=product, channel=channel, address=address, fault=fault_description
        ),
        data_loss_acknowledged=data_loss_acknowledged,
        damage_waiver_required=water_or_drop_damage,
        estimated_ready_at=estimated_ready_at,
        notify_by_phone=notify_by_phone,
        pickup_code=f"{secrets.randbelow(10**6):06d}" if channel == WorkOrder.Channel.WALK_IN else "",
        idempotency_key=idempotency_key or None,
        created_by=actor,
        fault_type=FaultType(fault_type),
        fault_component=fault_component or WHOLE_UNIT,
    )
    for field, value in decision_fields(order, read_history=not (new_product and not product.serial)).items():
        setattr(order, field, value)
    validate_values(order, exclude=("number",))
    order.number = _next_number()  # last: the day's number stays locked until the commit
    order.save()
    created = events.order_received(order, actor=actor)
    _send_tracking_link(order, message_to)
    # The new order's whole timeline, as selectors.timeline gives it: the answer that shows the order
    # just made reads no events back (a tenth of an intake through the API).
    order.timeline = [created]
    WorkOrder.swap.related.set_cached_value(order, None)  # nor its return/exchange: it has none yet
    return order
