"""Demo data for `seed_demo`: a few hundred work orders across every state, made through the services."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.models import Outlet, User
from core.roles import Role
from core.signatures import drawn_signature
from core.words import said
from workorders.lifecycle import TRANSITIONS
from workorders.models import ProductCategory, WorkOrder, WorkOrderEvent
from workorders.services import (
    customer_register,
    product_register,
    work_order_pickup,
    work_order_quote,
    work_order_receive,
    work_order_redecide,
    work_order_transition,
)

ORDERS_PER_OUTLET = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
]
STREETS = ["人民路", "中山路", "解放路", "建设路", "和平路", "新华路", "长江路", "黄河路"]
PRODUCTS = {
    "phone": [("华为", "Mate 60"), ("小米", "14 Pro"), ("OPPO", "Find X7"), ("vivo", "X100")],
    "tv": [("海信", "65E7K"), ("TCL", "75Q10K")],
    "refrigerator": [("海尔", "BCD-500WLHSS"), ("美的", "BCD-606WKPZM")],
    "washing_machine": [("小天鹅", "TG100V88"), ("海尔", "EG100MATE55")],
    "air_conditioner": [("格力", "KFR-35GW"), ("美的", "KFR-72LW")],
    "microwave": [("格兰仕", "G80F23CN3XL"), ("美的", "M1-L213C")],
    "pc": [("联想", "ThinkPad X1"), ("华为", "MateBook 14")],
}
FAULTS = [
    "屏幕不亮",
    "不制冷",
    "噪音大",
    "漏水",
    "无法开机",
    "充电无反应",
    "显示花屏",
    "遥控失灵",
    "门封条脱落",
    "程序无法启动",
]
# The path through the lifecycle that leaves an order in each state (by transition name).
PATHS = [
    [],
    ["quote"],
    ["request_dispatch"],
    ["start_service"],
    ["start_service", "wait_for_parts"],
    ["start_service", "finish_repair"],
    ["start_service", "finish_repair", "hand_back"],
    ["start_service", "finish_repair", "hand_back", "close"],
    ["cancel"],
    ["quote", "decline_quote"],
    ["start_service", "finish_repair", "hand_back", "reopen"],
]


WALK_IN_INSTEAD_OF_DISPATCH = ["quote"]


def _actor_for(transition, staff: list[User], admin: User) -> User:
    return next((u for u in staff if u.role in transition.roles), admin)


ONSITE_CATEGORIES = ("tv", "refrigerator", "washing_machine", "air_conditioner")


@transaction.atomic
def seed() -> str:
    if WorkOrder.objects.exists():
        return "work orders: present"
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    admin = User.objects.filter(username="admin").first()
    categories = {c.code: c for c in ProductCategory.objects.all()}
    made = 0
    for outlet in Outlet.objects.order_by("code"):
        staff = list(User.objects.filter(outlets=outlet, is_active=True).prefetch_related("groups"))
        clerk = next((u for u in staff if u.has_perm("workorders.add_workorder")), admin)
        for i in range(ORDERS_PER_OUTLET):
            order = _received_order(rng, outlet=outlet, clerk=clerk, categories=categories, index=i)
            _walk(order, _path_for(order, i), staff, admin)
            made += 1
    made += _warranty_stories(categories, admin)
    return f"work orders: {made} created"


def _warranty_stories(categories, admin: User) -> int:
    """Three 三包 cases to try at the first front desk's outlet: a phone bought 5 days ago (return, exchange
    or repair), a phone whose display is repaired for the third time (exchange), and a fridge waiting for
    its compressor for 85 days (the supervisor's clock warning)."""
    desks = User.objects.filter(is_active=True, outlets__isnull=False).prefetch_related("groups", "outlets")
    clerk = next((u for u in desks.order_by("username") if u.role == Role.FRONT_DESK), None)
    if clerk is None:
        return 0
    outlet = clerk.outlets.all()[0]
    today = timezone.localdate()

    def order_for(name, phone, code, serial, bought_days_ago, fault, **extra):
        brand, model = PRODUCTS[code][0]
        customer = customer_register(name=name, phones=[phone], outlet=outlet, actor=clerk)
        product = product_register(
            customer=customer,
            category=categories[code],
            brand=brand,
            model=model,
            serial=serial,
            purchase_date=today - dt.timedelta(days=bought_days_ago),
            proof="invoice",
            price=Decimal("5999.00") if code == "phone" else Decimal("4299.00"),
            actor=clerk,
        )
        receive = {"outlet": outlet, "channel": "walk_in", "service_type": "repair", "actor": clerk}
        return work_order_receive(
            customer=customer, product=product, fault_description=fault, data_loss_acknowledged=True, **receive, **extra
        )

    order_for("林小雨", "13800001111", "phone", "860000000000001", 5, "通话无声")
    repeat = order_for("郑大伟", "13800002222", "phone", "860000000000002", 150, "屏幕闪烁", fault_component="display")
    for _ in range(2):
        _walk(repeat, ["start_service", "finish_repair", "hand_back"], [clerk], admin)
        repeat = work_order_receive(
            outlet=outlet,
            customer=repeat.customer,
            product=repeat.product,
            channel="walk_in",
            service_type="repair",
            fault_description="屏幕又闪烁",
            fault_component="display",
            data_loss_acknowledged=True,
            actor=clerk,
        )
    waiting = order_for("周海", "13800003333", "refrigerator", "BCD500-0001", 300, "不制冷")
    _walk(waiting, ["start_service", "wait_for_parts"], [clerk], admin)
    # Handed in 85 days ago: the demo moves the order's days back, then the clock is read as on any morning.
    back = timezone.now() - dt.timedelta(days=85)
    WorkOrder.objects.filter(pk=waiting.pk).update(created_at=back)
    WorkOrderEvent.objects.filter(work_order=waiting).update(at=back)
    work_order_redecide(
        work_order=WorkOrder.objects.get(pk=waiting.pk), actor=clerk, cause=said(gettext_noop("Demo data"))
    )
    return 5


def _received_order(rng, *, outlet, clerk, categories, index: int) -> WorkOrder:
    """A customer with a product bought up to 900 days ago, and the order logged for it."""
    code = rng.choice(list(PRODUCTS))
    brand, model = rng.choice(PRODUCTS[code])
    bought = timezone.localdate() - dt.timedelta(days=rng.randint(1, 900))
    customer = customer_register(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        phones=[f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"],
        outlet=outlet,
        address=f"{outlet.address[:6]}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
        actor=clerk,
    )
    product = product_register(
        customer=customer,
        category=categories[code],
        brand=brand,
        model=model,
        serial=f"SN{rng.randint(10**9, 10**10 - 1)}",
        purchase_date=bought,
        proof=rng.choice(["invoice", "warranty_card", "none"]),
        actor=clerk,
    )
    onsite = code in ONSITE_CATEGORIES
    return work_order_receive(
        outlet=outlet,
        customer=customer,
        product=product,
        channel="onsite_request" if onsite else "walk_in",
        service_type="repair",
        fault_description=rng.choice(FAULTS),
        address=customer.addresses.first().address if onsite else "",
        priority="urgent" if index % 17 == 0 else "normal",
        data_loss_acknowledged=True,
        actor=clerk,
    )


def _path_for(order: WorkOrder, index: int) -> list[str]:
    """The transitions the demo takes the order through, so that every state has some orders."""
    onsite = order.channel == "onsite_request"
    path = PATHS[index % len(PATHS)]
    if onsite and (path[:1] == ["start_service"] or "schedule" in path):
        path = ["request_dispatch"]  # dispatch.demo books engineers and makes visits for these
    if not onsite and path[:1] == ["request_dispatch"]:
        path = WALK_IN_INSTEAD_OF_DISPATCH  # walk-ins are repaired on the bench
    if not onsite and not order.in_warranty and path[:1] == ["start_service"]:
        path = ["quote", "approve_quote", *path]  # out of warranty: a quote the customer approved
    return path


def _walk(order: WorkOrder, path: list[str], staff, admin) -> None:
    for name in path:
        transition = TRANSITIONS[name]
        if name == "quote":
            order = work_order_quote(work_order=order, actor=_actor_for(transition, staff, admin))
            continue
        if name == "hand_back" and order.pickup_code:  # collected at the counter: paid, signed and rated
            order = work_order_pickup(
                work_order=order,
                pickup_code=order.pickup_code,
                payment_method="wechat",
                signature=drawn_signature(),
                rating=5,
                comment="修得很快，谢谢",
                actor=_actor_for(transition, staff, admin),
            )
            continue
        order = work_order_transition(
            work_order=order,
            transition=name,
            actor=_actor_for(transition, staff, admin),
            reason="演示数据" if transition.needs_reason else "",
        )
