import datetime as dt

from django.utils import timezone

from workorders.models import ProductCategory
from workorders.services import customer_register, product_register, work_order_receive

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
    customer, product = customer_with_product(actor, outlet)
    args = {
        "outlet": outlet,
        "customer": customer,
        "product": product,
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
