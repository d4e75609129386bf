"""Intake as the page and the API submit it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Outlet
from workorders.lifecycle import TRANSITIONS, Status
from workorders.models import (
    Customer,
    Product,
    WorkOrder,
)
from workorders.services._common import _phones
from workorders.services.customers import _register_customer, _register_product
from workorders.services.lifecycle import work_order_transition
from workorders.services.receiving import _once, _receive, _request_fingerprint, fault_type_for

# What the intake page and the intake endpoint pass through to product_register / work_order_receive.
INTAKE_PRODUCT_FIELDS = ("category", "brand", "model", "serial", "purchase_date", "proof", "production_date", "price")
INTAKE_ORDER_FIELDS = (
    "channel",
    "service_type",
    "priority",
    "fault_description",
    "fault_component",
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
    customer, address, message_to = _intake_customer(
        outlet=outlet, phone=phone, customer=customer, customer_name=customer_name, address=address, actor=actor
    )
    new_product = product is None
    product = _intake_product(customer=customer, product=product, product_fields=product_fields, actor=actor)
    fault_type = fault_type_for(water_or_drop_damage=order_fields.get("water_or_drop_damage", False))
    order = _receive(
        new_product=new_product,
        outlet=outlet,
        customer=customer,
        product=product,
        has_phone=True,  # the phone typed is the customer's
        address=address,
        fault_type=fault_type,
        idempotency_key=idempotency_key,
        actor=actor,
        message_to=message_to,
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


def _intake_customer(*, outlet, phone, customer, customer_name, address, actor) -> tuple[Customer, str, str | None]:
    """The customer picked (who must own the phone typed) or a new one; the address typed, else theirs; the
    number messages go to when it is known without a read (a new customer's only phone)."""
    numbers = _phones([phone])
    if customer is not None and not customer.phones.filter(number__in=numbers).exists():
        raise ValidationError({"phone": _("The customer picked does not have this phone number.")})
    if customer is None:
        if not customer_name.strip():
            raise ValidationError({"customer_name": _("Enter the new customer's name.")})
        customer = _register_customer(name=customer_name, phones=numbers, outlet=outlet, address=address, actor=actor)
        return customer, address, str(numbers[0])
    if not address:
        address = customer.addresses.values_list("address", flat=True).first() or ""
    return customer, address, None


def _intake_product(*, customer, product, product_fields, actor) -> Product:
    """The product picked (which must be the customer's) or a new one, which needs its category and brand."""
    if product is not None and product.customer_id != customer.pk:
        raise ValidationError({"product": _("This product belongs to another customer.")})
    if product is None:
        missing = [f for f in ("category", "brand") if not product_fields.get(f)]
        if missing:
            raise ValidationError(dict.fromkeys(missing, _("Needed for a new product.")))
        product = _register_product(customer=customer, actor=actor, **product_fields)
    return product
