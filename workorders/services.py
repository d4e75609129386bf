"""Every change to customers, products and work orders goes through these functions."""

import secrets
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from core.errors import ConflictError
from core.models import Outlet
from core.notify import notification_enqueue
from core.permissions import require_permission
from core.roles import Role
from core.scoping import in_scope, scope
from core.validation import validate_values
from warranty.engine import FREE_OPTIONS, Case, FaultType
from warranty.services import Evaluation, fee_schedule_mark_used, policy_evaluate, quote_compute
from workorders.lifecycle import TRANSITIONS, Status, product_registered, work_order_transitioned
from workorders.models import (
    Call,
    ChargeWaiver,
    Customer,
    CustomerAddress,
    CustomerPhone,
    DailySequence,
    MessageSlip,
    Payment,
    Product,
    ProductCategory,
    WorkOrder,
    WorkOrderEvent,
)

OVERRIDE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _require_outlet(actor, outlet: Outlet) -> None:
    if not in_scope(actor, outlet.pk):
        raise PermissionDenied(_("This outlet is not one of yours."))


def _phones(raw_numbers) -> list[PhoneNumber]:
    phones, bad = [], []
    for raw in raw_numbers:
        raw = str(raw).strip()
        if not raw:
            continue
        number = PhoneNumber.from_string(raw, region="CN") if not isinstance(raw, PhoneNumber) else raw
        (phones if number.is_valid() else bad).append(number)
    if bad:
        raise ValidationError(
            {"phones": _("Not a valid phone number: %(numbers)s") % {"numbers": ", ".join(map(str, bad))}}
        )
    return phones


def _register_customer(
    *, name: str, phones, outlet: Outlet, address: str = "", notes: str = "", birthday=None, actor
) -> Customer:
    """Register a customer with one or more phones (the first is primary) and an address."""
    require_permission(actor, "workorders.add_customer")
    _require_outlet(actor, outlet)
    numbers = _phones(phones)
    if not numbers:
        raise ValidationError({"phones": _("At least one phone number is needed.")})
    customer = Customer(name=name.strip(), outlet=outlet, notes=notes, birthday=birthday, created_by=actor)
    validate_values(customer)
    customer._history_user = actor
    customer.save()
    CustomerPhone.objects.bulk_create(
        CustomerPhone(customer=customer, number=n, is_primary=i == 0) for i, n in enumerate(dict.fromkeys(numbers))
    )
    if address.strip():
        CustomerAddress.objects.create(customer=customer, address=address.strip(), is_default=True)
    return customer


# Each in a transaction of its own; intake calls the functions themselves, inside its transaction.
customer_register = transaction.atomic(_register_customer)


def _register_product(
    *,
    customer: Customer,
    category: ProductCategory,
    brand: str,
    model: str = "",
    serial: str = "",
    purchase_date=None,
    proof: str = Product.Proof.NONE,
    production_date=None,
    dealer: str = "",
    installation_date=None,
    actor,
) -> Product:
    """Add a product the customer owns."""
    require_permission(actor, "workorders.add_product")
    today = timezone.localdate()
    errors = {}
    if purchase_date and purchase_date > today:
        errors["purchase_date"] = _("The purchase date is in the future.")
    if installation_date and purchase_date and installation_date < purchase_date:
        errors["installation_date"] = _("The installation date is before the purchase date.")
    if errors:
        raise ValidationError(errors)
    product = Product(
        customer=customer,
        category=category,
        brand=brand.strip(),
        model=model.strip(),
        serial=serial.strip(),
        purchase_date=purchase_date,
        proof=proof,
        production_date=production_date,
        dealer=dealer,
        installation_date=installation_date,
    )
    validate_values(product)
    product._history_user = actor
    product.save()
    product_registered.send(sender=Product, product=product, outlet=customer.outlet, actor=actor)
    return product


product_register = transaction.atomic(_register_product)


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
    if channel == WorkOrder.Channel.ONSITE_REQUEST and not address.strip():
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


def _evaluate(product: Product, *, fault_type: FaultType, on, prior_repairs: int = 0) -> Evaluation | None:
    """The product's 三包 decision under its category's policy; None when the category has none."""
    policy = product.category.warranty_policy
    if policy is None:
        return None
    case = Case(
        purchase_date=product.purchase_date,
        fault_date=on,
        fault_type=fault_type,
        has_proof=product.proof != Product.Proof.NONE and product.purchase_date is not None,
        production_date=product.production_date,
        prior_repairs=prior_repairs,
    )
    return policy_evaluate(policy=policy, case=case, today=on)


def warranty_after_repairs(product: Product, *, prior_repairs: int) -> Evaluation | None:
    """What the customer may choose today after `prior_repairs` repairs of the same fault (after two,
    三包 usually allows an exchange or a return): the complaint handler's starting point."""
    return _evaluate(product, fault_type=FaultType.PERFORMANCE, on=timezone.localdate(), prior_repairs=prior_repairs)


def warranty_preview(*, category: ProductCategory, purchase_date, proof: str, water_or_drop_damage: bool):
    """The decision intake shows while the product is typed, before anything is saved."""
    product = Product(category=category, purchase_date=purchase_date, proof=proof)
    return _evaluate(
        product, fault_type=fault_type_for(water_or_drop_damage=water_or_drop_damage), on=timezone.localdate()
    )


def warranty_for(product: Product, *, fault_type: FaultType, on) -> dict:
    """The warranty decision for a product today, as the fields a work order stores."""
    evaluation = _evaluate(product, fault_type=fault_type, on=on)
    if evaluation is None:
        return {"warranty_version": None, "warranty_options": [], "warranty_reasons": [], "in_warranty": False}
    decision = evaluation.decision
    return {
        "warranty_version": evaluation.version,
        "warranty_options": [str(o) for o in decision.options],
        "warranty_reasons": [{"code": r.code, "text": r.text} for r in decision.reasons],
        "warranty_end": decision.warranty_end,
        "in_warranty": bool(FREE_OPTIONS & set(decision.options)),
    }


def work_order_receive(
    *,
    outlet: Outlet,
    customer: Customer,
    product: Product,
    channel: str,
    service_type: str,
    fault_description: str,
    fault_type: FaultType = FaultType.PERFORMANCE,
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
) -> WorkOrder:
    """The order itself, in the caller's transaction (work_order_receive's arguments and defaults)."""
    require_permission(actor, "workorders.add_workorder")
    _require_outlet(actor, outlet)
    if product.customer_id != customer.pk:
        raise ValidationError({"product": _("This product belongs to another customer.")})
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
        **warranty_for(product, fault_type=FaultType(fault_type), on=timezone.localdate()),
    )
    validate_values(order, exclude=("number",))
    order.number = _next_number()  # last: the day's number stays locked until the commit
    order.save()
    created = WorkOrderEvent.objects.create(
        work_order=order, kind=WorkOrderEvent.Kind.CREATED, to_status=order.status, actor=actor
    )
    # The new order's whole timeline, as selectors.timeline gives it: the answer that shows the order
    # just made reads no events back (a tenth of an intake through the API).
    order.timeline = [created]
    return order


def _locked_in_scope(work_order: WorkOrder, actor) -> WorkOrder:
    order = scope(WorkOrder.objects.select_for_update(), actor).filter(pk=work_order.pk).first()
    if order is None:
        raise PermissionDenied(_("This work order is not in your outlets."))
    return order


@transaction.atomic
def work_order_transition(
    *,
    work_order: WorkOrder,
    transition: str,
    actor,
    reason: str = "",
    expected_version: int | None = None,
    override_incomplete: bool = False,
    by_service: bool = False,
) -> WorkOrder:
    """Move a work order along the lifecycle; the one place a status changes.

    `by_service` is set by the services of other apps that own a transition (`made_by`)."""
    require_permission(actor, "workorders.change_workorder")
    step = TRANSITIONS.get(transition)
    if step is None:
        raise ValidationError({"transition": _("Unknown action “%(name)s”.") % {"name": transition}})
    order = _locked_in_scope(work_order, actor)
    if expected_version is not None and order.version != expected_version:
        raise ConflictError(_("Someone else changed this work order meanwhile; reload it and try again."))
    current = Status(order.status)
    if current not in step.sources:
        raise ValidationError(
            {
                "transition": _("“%(action)s” is not possible while the order is “%(status)s”.")
                % {"action": step.label, "status": current.label}
            }
        )
    if actor.role not in step.roles:
        raise PermissionDenied(_("Your role may not “%(action)s”.") % {"action": step.label})
    if step.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Give a reason for “%(action)s”.") % {"action": step.label}})
    if step.made_by is not None and not by_service:
        raise ValidationError(
            {"transition": _("“%(action)s” is done on %(where)s.") % {"action": step.label, "where": step.made_by}}
        )
    _check_guards(order, transition, actor, override_incomplete)

    order.status = step.target
    order.version += 1
    changed = ["status", "version", "updated_at"]
    if step.name == "approve_quote":
        order.quote_approved_at, order.quote_approved_by = timezone.now(), actor
        changed += ["quote_approved_at", "quote_approved_by"]
    order.save(update_fields=changed)
    if step.name == "finish_repair" and order.channel == WorkOrder.Channel.WALK_IN and order.notify_by_phone:
        _notify_ready(order)
    text = reason.strip()
    if override_incomplete and order.missing_info:
        text = "; ".join(filter(None, [text, _("Sent with missing information (override).")]))
    event = WorkOrderEvent.objects.create(
        work_order=order,
        kind=WorkOrderEvent.Kind.TRANSITION,
        transition=step.name,
        from_status=current,
        to_status=step.target,
        actor=actor,
        text=text,
    )
    work_order_transitioned.send(sender=WorkOrder, work_order=order, transition=step, event=event, actor=actor)
    return order


def _check_guards(order: WorkOrder, transition: str, actor, override_incomplete: bool) -> None:
    if transition == "request_dispatch" and order.missing_info:
        if not override_incomplete:
            raise ValidationError(
                {
                    "missing_info": _("Complete the missing information first: %(missing)s.")
                    % {"missing": ", ".join(order.missing_info_labels)}
                }
            )
        if actor.role not in OVERRIDE_ROLES:
            raise PermissionDenied(_("Only a supervisor may send an incomplete order to dispatch."))
    if transition == "start_service" and order.status == Status.RECEIVED:
        if order.damage_waiver_required and order.damage_waiver_signed_at is None:
            raise ValidationError({"damage_waiver": _("The customer must sign the water/drop damage waiver first.")})
        if order.channel == WorkOrder.Channel.WALK_IN and not order.in_warranty and order.quote_approved_at is None:
            raise ValidationError({"quote": _("Out of warranty: the customer must approve a quote before the repair.")})
        if order.channel == WorkOrder.Channel.WALK_IN and not order.data_loss_acknowledged:
            raise ValidationError(
                {"data_loss_acknowledged": _("The customer must acknowledge the data-loss warning first.")}
            )


@transaction.atomic
def work_order_hand_over(*, work_order: WorkOrder, new_owner, actor, reason: str) -> WorkOrder:
    """Give the order a new responsible owner (一票到底: an explicit, recorded act)."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the hand-over.")})
    if not in_scope(new_owner, order.outlet_id) or not new_owner.is_active:
        raise ValidationError({"new_owner": _("The new owner must be active staff of this order's outlet.")})
    previous = order.owner
    order.owner = new_owner
    order.version += 1
    order.save(update_fields=["owner", "version", "updated_at"])
    WorkOrderEvent.objects.create(
        work_order=order,
        kind=WorkOrderEvent.Kind.HANDOVER,
        actor=actor,
        text=_("%(old)s → %(new)s: %(reason)s") % {"old": previous, "new": new_owner, "reason": reason.strip()},
    )
    return order


@transaction.atomic
def work_order_add_note(*, work_order: WorkOrder, text: str, actor) -> WorkOrderEvent:
    require_permission(actor, "workorders.view_workorder")
    order = _locked_in_scope(work_order, actor)
    if not text.strip():
        raise ValidationError({"text": _("Write something.")})
    return WorkOrderEvent.objects.create(
        work_order=order, kind=WorkOrderEvent.Kind.NOTE, actor=actor, text=text.strip()
    )


# What the intake page and the intake endpoint pass through to product_register / work_order_receive.
INTAKE_PRODUCT_FIELDS = ("category", "brand", "model", "serial", "purchase_date", "proof")
INTAKE_ORDER_FIELDS = (
    "channel",
    "service_type",
    "priority",
    "fault_description",
    "water_or_drop_damage",
    "data_loss_acknowledged",
    "requested_time",
    "requirements",
    "estimated_ready_at",
    "notify_by_phone",
)


def intake_picks(*, customer_id: int | None, product_id: int | None) -> tuple[Customer | None, Product | None]:
    """The customer and product an intake form or request picked by id; an id that names nothing is refused
    (never read as "register a new one"). Any outlet's customer may be picked (全国联保); intake then checks
    that the customer owns the phone typed and the product is theirs."""
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer_id and customer is None:
        raise ValidationError({"customer": _("No customer has this id.")})
    product = Product.objects.filter(pk=product_id).first() if product_id else None
    if product_id and product is None:
        raise ValidationError({"product": _("No product has this id.")})
    return customer, product


def intake_submit(
    *,
    outlet: Outlet,
    phone: str,
    customer: Customer | None,
    customer_name: str,
    address: str,
    product: Product | None,
    product_fields: dict,
    order_fields: dict,
    idempotency_key: str | None,
    actor,
) -> WorkOrder:
    """The intake page in one transaction: find or register the customer and product, log the order.

    `customer` and `product` come from the client's pick: the customer must own the phone typed,
    the product must be the customer's. A repeated idempotency key returns the first order.
    """

    @transaction.atomic
    def intake():
        return _intake(
            outlet=outlet,
            phone=phone,
            customer=customer,
            customer_name=customer_name,
            address=address,
            product=product,
            product_fields=product_fields,
            order_fields=order_fields,
            idempotency_key=idempotency_key,
            actor=actor,
        )

    return _once(idempotency_key, intake, actor=actor, request=_request_fingerprint({"outlet": outlet, **order_fields}))


def _intake(
    *, outlet, phone, customer, customer_name, address, product, product_fields, order_fields, idempotency_key, actor
) -> WorkOrder:
    numbers = _phones([phone])
    if customer is not None and not customer.phones.filter(number__in=numbers).exists():
        raise ValidationError({"phone": _("The customer picked does not have this phone number.")})
    if customer is None:
        if not customer_name.strip():
            raise ValidationError({"customer_name": _("Enter the new customer's name.")})
        customer = _register_customer(name=customer_name, phones=numbers, outlet=outlet, address=address, actor=actor)
    elif not address:
        address = customer.addresses.values_list("address", flat=True).first() or ""
    if product is not None and product.customer_id != customer.pk:
        raise ValidationError({"product": _("This product belongs to another customer.")})
    if product is None:
        missing = [f for f in ("category", "brand") if not product_fields.get(f)]
        if missing:
            raise ValidationError(dict.fromkeys(missing, _("Needed for a new product.")))
        product = _register_product(customer=customer, actor=actor, **product_fields)
    fault_type = fault_type_for(water_or_drop_damage=order_fields.get("water_or_drop_damage", False))
    order = _receive(
        outlet=outlet,
        customer=customer,
        product=product,
        has_phone=True,  # the phone typed is the customer's
        address=address,
        fault_type=fault_type,
        idempotency_key=idempotency_key,
        actor=actor,
        **order_fields,
    )
    # A complete on-site request goes straight to the dispatch queue; an incomplete one waits to be completed.
    if (
        order.status == Status.RECEIVED
        and order.channel == WorkOrder.Channel.ONSITE_REQUEST
        and not order.missing_info
        and actor.role in TRANSITIONS["request_dispatch"].roles
    ):
        order = work_order_transition(work_order=order, transition="request_dispatch", actor=actor)
    return order


# Work-order service types priced by the fee schedule's service types.
FEE_SERVICE_TYPE = {"repair": "repair", "installation": "installation", "maintenance": "repair"}


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
    order.quote_lines = [
        {
            "kind": str(line.kind),
            "code": line.code,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
            "amount": str(line.amount),
            "note": line.note,
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
    return work_order_transition(
        work_order=order, transition="quote", actor=actor, reason=_("Quote ¥%(total)s") % {"total": order.quote_total}
    )


@transaction.atomic
def work_order_price_on_site(*, work_order: WorkOrder, parts=(), approved: bool, actor) -> WorkOrder:
    """The engineer prices chargeable work on site (visit fee included); `approved` is the
    customer's consent, given there before the work starts."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    _price(order, parts=parts, onsite=True, card_prices=None)
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
    text = _("On-site charges ¥%(total)s") % {"total": order.quote_total}
    if approved:
        text = _("%(charges)s, agreed by the customer.") % {"charges": text}
    WorkOrderEvent.objects.create(work_order=order, kind=WorkOrderEvent.Kind.NOTE, actor=actor, text=text)
    return order


@transaction.atomic
def work_order_reassess_warranty(*, work_order: WorkOrder, human_damage: bool, actor) -> WorkOrder:
    """Decide the warranty again with what the engineer found (human damage ends free service)."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    fault_type = (
        FaultType.HUMAN_DAMAGE if human_damage else fault_type_for(water_or_drop_damage=order.damage_waiver_required)
    )
    for field, value in warranty_for(order.product, fault_type=fault_type, on=timezone.localdate()).items():
        setattr(order, field, value)
    order.version += 1
    order.save()
    text = _("Human damage found on site: warranty decided again.") if human_damage else _("Warranty decided again.")
    WorkOrderEvent.objects.create(work_order=order, kind=WorkOrderEvent.Kind.NOTE, actor=actor, text=text)
    return order


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
    *, work_order: WorkOrder, fault_confirmed: str, cause: str, actions_taken: str, parts_replaced: str, actor
) -> WorkOrder:
    """The technician's repair record; may be completed after the visit."""
    require_permission(actor, "workorders.change_workorder")
    order = _locked_in_scope(work_order, actor)
    order.fault_confirmed, order.cause = fault_confirmed.strip(), cause.strip()
    order.actions_taken, order.parts_replaced = actions_taken.strip(), parts_replaced.strip()
    order.version += 1
    order.save(update_fields=["fault_confirmed", "cause", "actions_taken", "parts_replaced", "version", "updated_at"])
    WorkOrderEvent.objects.create(
        work_order=order, kind=WorkOrderEvent.Kind.NOTE, actor=actor, text=_("Repair record updated.")
    )
    return order


def _notify_ready(order: WorkOrder) -> None:
    """Tell the customer the product is ready: into the outbox with this change (sent by the beat task)."""
    phone = order.customer.phones.order_by("-is_primary", "id").first()
    if phone is None:
        return
    notification_enqueue(
        kind="ready_for_pickup",
        to=str(phone.number),
        context={"product": order.product, "outlet": order.outlet.name, "code": order.pickup_code},
        key=f"ready:{order.pk}:{order.version}",
    )


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
    if not signature_refused and not signature.startswith("data:image/png;base64,"):
        errors["signature"] = _("The customer signs on the screen (or record that they refused).")
    if len(signature) > 200_000:
        errors["signature"] = _("The signature image is too large.")
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
        text = _("The customer acknowledged that repair may erase stored data.")
    elif agreement == "damage_waiver":
        order.damage_waiver_signed_at = timezone.now()
        text = _("The customer signed the water/drop damage waiver.")
    else:
        raise ValidationError({"agreement": _("Unknown agreement.")})
    order.version += 1
    order.save(update_fields=["data_loss_acknowledged", "damage_waiver_signed_at", "version", "updated_at"])
    WorkOrderEvent.objects.create(work_order=order, kind=WorkOrderEvent.Kind.NOTE, actor=actor, text=text)
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
    fault_type = fault_type_for(water_or_drop_damage=order.damage_waiver_required)
    for field, value in warranty_for(product, fault_type=fault_type, on=timezone.localdate()).items():
        setattr(order, field, value)
    order.version += 1
    order.save()
    WorkOrderEvent.objects.create(
        work_order=order, kind=WorkOrderEvent.Kind.NOTE, actor=actor, text=_("Details completed.")
    )
    return order


# --- Hotline: calls and message slips -------------------------------------------------------


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
    actor,
) -> Call:
    """Record a call. Guidance that solved a logged request closes it to its callback (no visit)."""
    require_permission(actor, "workorders.add_call")
    _require_outlet(actor, outlet)
    number = _phones([caller_phone])[0] if caller_phone else None
    if number is None:
        raise ValidationError({"caller_phone": _("At least one phone number is needed.")})
    if phone_guidance and not guidance_advice.strip():
        raise ValidationError({"guidance_advice": _("Write down the guidance given.")})
    customer = Customer.objects.filter(phones__number=number).order_by("-id").first()
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
    return call


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
    slip.status, slip.answered_by, slip.answered_at, slip.answer = (
        MessageSlip.Status.ANSWERED,
        actor,
        timezone.now(),
        answer.strip(),
    )
    slip.save(update_fields=["status", "answered_by", "answered_at", "answer"])
    return slip


# --- Charge waivers ------------------------------------------------------------------------------


@transaction.atomic
def charge_waiver_request(*, work_order: WorkOrder, new_total: Decimal, reason: str, actor) -> ChargeWaiver:
    """Ask a supervisor to waive (0) or reduce the charge of an order not yet paid."""
    require_permission(actor, "workorders.add_chargewaiver")
    order = _locked_in_scope(work_order, actor)
    due = order.amount_due
    if due <= 0:
        raise ValidationError(_("Nothing is charged on this order."))
    if order.payments.exists():
        raise ValidationError(_("The order is paid already; a refund is a complaint remedy, not a waiver."))
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for the waiver.")
    if new_total < 0 or new_total >= due:
        errors["new_total"] = _("Ask for less than ¥%(due)s (0 waives it all).") % {"due": due}
    if errors:
        raise ValidationError(errors)
    if ChargeWaiver.objects.filter(work_order=order, status=ChargeWaiver.Status.PENDING).exists():
        raise ValidationError(_("A waiver for this order is already waiting for a supervisor."))
    waiver = ChargeWaiver.objects.create(
        work_order=order,
        outlet=order.outlet,
        original_total=due,
        new_total=new_total,
        reason=reason.strip(),
        requested_by=actor,
    )
    WorkOrderEvent.objects.create(
        work_order=order,
        kind=WorkOrderEvent.Kind.NOTE,
        actor=actor,
        text=_("Waiver asked for: ¥%(old)s → ¥%(new)s. %(reason)s")
        % {"old": due, "new": new_total, "reason": waiver.reason},
    )
    return waiver


@transaction.atomic
def charge_waiver_decide(*, waiver: ChargeWaiver, approve: bool, note: str = "", actor) -> ChargeWaiver:
    """A supervisor approves (the charge becomes the amount asked for) or rejects, with a note."""
    require_permission(actor, "workorders.decide_chargewaiver")
    found = scope(ChargeWaiver.objects.select_for_update(), actor).filter(pk=waiver.pk).first()
    if found is None:
        raise PermissionDenied(_("This work order is not in your outlets."))
    if found.status != ChargeWaiver.Status.PENDING:
        raise ValidationError(_("This waiver has been decided already."))
    if found.requested_by_id == actor.pk:
        raise PermissionDenied(_("Someone else must decide on your own request."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the waiver is rejected.")})
    order = _locked_in_scope(found.work_order, actor)
    if approve:
        if order.payments.exists():
            raise ValidationError(_("The order is paid already; a refund is a complaint remedy, not a waiver."))
        order.quote_lines = [
            *order.quote_lines,
            {
                "kind": "waiver",
                "code": "",
                "description": _("Reduction approved by %(who)s") % {"who": actor},
                "quantity": 1,
                "unit_price": str(found.new_total - found.original_total),
                "amount": str(found.new_total - found.original_total),
                "note": found.reason,
            },
        ]
        order.quote_total = found.new_total
        order.version += 1
        order.save(update_fields=["quote_lines", "quote_total", "version", "updated_at"])
    found.status = ChargeWaiver.Status.APPROVED if approve else ChargeWaiver.Status.REJECTED
    found.decided_by, found.decided_at, found.decision_note = actor, timezone.now(), note.strip()
    found.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    WorkOrderEvent.objects.create(
        work_order=order,
        kind=WorkOrderEvent.Kind.NOTE,
        actor=actor,
        text=_("Waiver %(decision)s: ¥%(old)s → ¥%(new)s. %(note)s")
        % {
            "decision": found.get_status_display(),
            "old": found.original_total,
            "new": found.new_total,
            "note": found.decision_note,
        },
    )
    return found
