import datetime as dt

from django.utils import timezone

from workorders.models import ProductCategory
from workorders.services import (
    customer_register,
    product_register,
    work_order_quote,
    work_order_receive,
    work_order_transition,
)

RECENT = object()  # "bought 20 days ago", so the product is in warranty whatever today is


def customer_with_product(
    actor,
    outlet,
    *,
    category="phone",
    purchase_date=RECENT,
    proof="invoice",
    phones=("13812345678",),
    model="X1",
    address="上海市徐汇区漕溪北路 88 号",
):
    if purchase_date is RECENT:
        purchase_date = timezone.localdate() - dt.timedelta(days=20)
    customer = customer_register(name="张三", phones=list(phones), outlet=outlet, address=address, actor=actor)
    product = product_register(
        customer=customer,
        category=ProductCategory.objects.get(code=category),
        brand="华为",
        model=model,
        serial="SN123456",
        purchase_date=purchase_date,
        proof=proof,
        actor=actor,
    )
    return customer, product


def walk_in_order(actor, outlet, **overrides):
    if "customer" not in overrides:
        overrides["customer"], overrides["product"] = customer_with_product(actor, outlet)
    args = {
        "outlet": outlet,
        "channel": "walk_in",
        "service_type": "repair",
        "fault_description": "屏幕不亮，充电无反应",
        "data_loss_acknowledged": True,
        "actor": actor,
    }
    return work_order_receive(**(args | overrides))


def receive_walk_in(actor, outlet, customer, product, **extra):
    """A walk-in repair logged for a product already on file."""
    args = {
        "outlet": outlet,
        "customer": customer,
        "product": product,
        "channel": "walk_in",
        "service_type": "repair",
        "fault_description": "屏幕不亮",
        "data_loss_acknowledged": True,
        "actor": actor,
    }
    return work_order_receive(**(args | extra))


def quoted_job(clerk, outlet):
    """An out-of-warranty walk-in phone quoted ¥579.00 (labour and a screen, as
    tests.warranty.factories.published_schedule prices them), waiting for the customer's approval."""
    customer, product = customer_with_product(clerk, outlet, purchase_date=dt.date(2020, 1, 1))
    order = walk_in_order(clerk, outlet, customer=customer, product=product, fault_description="屏幕碎裂")
    return work_order_quote(work_order=order, parts=[("screen", 1)], actor=clerk)


def repaired_paid_job(clerk, outlet):
    """The quoted job (quoted_job) approved and repaired: ready for pickup."""
    order = quoted_job(clerk, outlet)
    for step in ("approve_quote", "start_service", "finish_repair"):
        order = work_order_transition(work_order=order, transition=step, actor=clerk)
    return order
