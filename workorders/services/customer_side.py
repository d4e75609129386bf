"""What the customer does without staff (portal): books a repair on the self-service page, answers the quote
on the tracking page.

No staff account acts here: the order's tracking token is the customer's key (checked by the page), the
timeline says it was the customer, and the audit trail records no user. A page opened before the quote or
the order changed applies nothing."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import wechat
from core.errors import ConflictError
from core.models import Outlet
from core.words import said
from workorders import events
from workorders.lifecycle import TRANSITIONS, Status
from workorders.models import Customer, Product, ProductCategory, WorkOrder
from workorders.services._common import SIGNATURE_LIMIT, SIGNATURE_PREFIX, _phones
from workorders.services.customers import _register_customer, _register_product
from workorders.services.lifecycle import _move
from workorders.services.receiving import _receive

SELF_SERVICE_USERNAME = "self-service"


def self_service_account():
    """The account that logs the customers' own bookings and owns them until a hotline clerk takes one over
    (an order always has an owner). It cannot log in and belongs to no outlet."""
    account = get_user_model().objects.filter(username=SELF_SERVICE_USERNAME).first()
    if account is None:
        account, _created = get_user_model().objects.get_or_create(
            username=SELF_SERVICE_USERNAME,
            defaults={"name": "自助报修 Self-service", "is_active": False, "password": make_password(None)},
        )
    return account


def customer_of_phone(phone: str) -> Customer | None:
    """The customer a verified phone belongs to (the latest registered, when several share it)."""
    return Customer.objects.filter(phones__number__in=_phones([phone])).order_by("-id").first()


@transaction.atomic
def work_order_book_by_customer(
    *,
    outlet: Outlet,
    phone: str,
    name: str = "",
    product_id: int | None = None,
    category: ProductCategory | None = None,
    brand: str = "",
    model: str = "",
    purchase_date=None,
    fault_description: str,
    address: str,
    window: tuple[datetime, datetime] | None,
) -> WorkOrder:
    """A repair booked by the customer on the self-service page, for the phone the page verified by SMS: it
    arrives at the outlet's hotline as a received order of channel "self-service" with the preferred
    window, and the customer gets the tracking link (as at intake). Their earlier product, or a new one."""
    errors = {}
    if not fault_description.strip():
        errors["fault_description"] = _("Tell us what is wrong.")
    if not address.strip():
        errors["address"] = _("Tell us where the engineer should come.")
    if window is None:
        errors["window"] = _("Pick a time for the visit.")
    customer = customer_of_phone(phone)
    if customer is None and not name.strip():
        errors["name"] = _("Tell us your name.")
    product = None
    if product_id:
        product = Product.objects.filter(pk=product_id, customer=customer, taken_back_on__isnull=True).first()
        if customer is None or product is None:
            errors["product"] = _("Pick one of your products, or describe a new one.")
    elif category is None or not brand.strip():
        errors["product"] = _("Pick your product's kind and brand.")
    if errors:
        raise ValidationError(errors)
    account = self_service_account()
    if customer is None:
        customer = _register_customer(
            name=name, phones=[phone], outlet=outlet, address=address, actor=account, by_customer=True
        )
    new_product = product is None
    if new_product:
        product = _register_product(
            customer=customer,
            category=category,
            brand=brand,
            model=model,
            purchase_date=purchase_date,
            proof=Product.Proof.NONE,
            actor=account,
            by_customer=True,
        )
    order = _receive(
        outlet=outlet,
        customer=customer,
        product=product,
        has_phone=True,
        channel=WorkOrder.Channel.SELF_SERVICE,
        service_type=WorkOrder.ServiceType.REPAIR,
        fault_description=fault_description,
        requested_time=window[0],
        address=address,
        idempotency_key=None,
        actor=account,
        by_customer=True,
        new_product=new_product,
    )
    local = timezone.localtime(window[0]), timezone.localtime(window[1])
    events.order_noted(
        order,
        actor=None,
        text=said(
            gettext_noop(
                "Booked by the customer on the self-service page (phone verified by SMS code); wished time %(window)s."
            ),
            window=f"{local[0]:%Y-%m-%d %H:%M}–{local[1]:%H:%M}",
        ),
    )
    return order


@transaction.atomic
def quote_answered_by_customer(
    *, order: WorkOrder, version: int, approve: bool, signature: str = "", reason: str = ""
) -> WorkOrder:
    """The customer approves the quote with a signature drawn on the screen (the repair may then start, as
    when the counter records the approval), or declines it (the order closes, as at the counter)."""
    found = WorkOrder.objects.select_for_update().select_related("outlet", "product", "customer").get(pk=order.pk)
    if found.status != Status.AWAITING_APPROVAL or found.version != version:
        raise ConflictError(_("The quote has changed since this page was opened: here it is as it is now."))
    total = found.quote_total
    if approve:
        if not signature.startswith(SIGNATURE_PREFIX):
            raise ValidationError({"signature": _("Sign in the box to approve the quote.")})
        if len(signature) > SIGNATURE_LIMIT:
            raise ValidationError({"signature": _("The signature image is too large.")})
        found.quote_signature = signature
        found.save(update_fields=["quote_signature"])
        text = said(
            gettext_noop("The customer approved the quote of ¥%(total)s on the tracking page, signed on the screen."),
            total=total,
        )
        return _move(found, TRANSITIONS["approve_quote"], current=Status.AWAITING_APPROVAL, actor=None, text=text)
    reason = reason.strip()[:500]
    if reason:
        text = said(
            gettext_noop("The customer declined the quote of ¥%(total)s on the tracking page: %(reason)s"),
            total=total,
            reason=reason,
        )
    else:
        text = said(gettext_noop("The customer declined the quote of ¥%(total)s on the tracking page."), total=total)
    return _move(found, TRANSITIONS["decline_quote"], current=Status.AWAITING_APPROVAL, actor=None, text=text)


@transaction.atomic
def wechat_chosen_by_customer(*, order: WorkOrder, openid: str) -> None:
    """The customer asked on the tracking page for the updates in WeChat: the order's phone is bound to their
    openid (core.wechat), and the timeline says so."""
    phone = order.customer.message_phone()
    if not phone:
        return
    wechat.bind(phone=phone, openid=openid)
    events.order_noted(order, actor=None, text=said(gettext_noop("The customer chose to get the updates in WeChat.")))
