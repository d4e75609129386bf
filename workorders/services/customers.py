"""Customers and their products."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Outlet
from core.permissions import require_permission
from core.validation import validate_values
from workorders.lifecycle import product_registered
from workorders.models import (
    Customer,
    CustomerAddress,
    CustomerPhone,
    Product,
    ProductCategory,
)
from workorders.services._common import _phones, _require_outlet


def _register_customer(
    *, name: str, phones, outlet: Outlet, address: str = "", notes: str = "", birthday=None, actor, by_customer=False
) -> Customer:
    """Register a customer with one or more phones (the first is primary) and an address. `by_customer`:
    the customer books from the self-service page (its verified phone is the check; actor is the
    self-service account, workorders.services.customer_side)."""
    if not by_customer:
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


def product_date_errors(*, purchase_date=None, production_date=None, installation_date=None) -> dict:
    """A product's dates that cannot be: in the future, made after it was bought, installed before."""
    today = timezone.localdate()
    errors = {}
    if purchase_date and purchase_date > today:
        errors["purchase_date"] = _("The purchase date is in the future.")
    if production_date and production_date > today:
        errors["production_date"] = _("The production date is in the future.")
    elif production_date and purchase_date and production_date > purchase_date:
        errors["production_date"] = _("The production date is after the purchase date.")
    if installation_date and purchase_date and installation_date < purchase_date:
        errors["installation_date"] = _("The installation date is before the purchase date.")
    return errors


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
    price=None,
    dealer: str = "",
    installation_date=None,
    actor,
    by_customer=False,
) -> Product:
    """Add a product the customer owns (`by_customer`: as _register_customer)."""
    if not by_customer:
        require_permission(actor, "workorders.add_product")
    errors = product_date_errors(
        purchase_date=purchase_date, production_date=production_date, installation_date=installation_date
    )
    if price is not None and price < 0:
        errors["price"] = _("Must not be negative.")
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
        price=price,
        dealer=dealer,
        installation_date=installation_date,
    )
    validate_values(product)
    product._history_user = actor
    product.save()
    product_registered.send(sender=Product, product=product, outlet=customer.outlet, actor=actor)
    return product


product_register = transaction.atomic(_register_product)
