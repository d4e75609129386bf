import datetime as dt

from django.utils import timezone

from core.roles import Role
from dispatch.models import EngineerProfile
from dispatch.services import appointment_book
from tests.factories import UserFactory
from tests.workorders.factories import customer_with_product
from workorders.models import ProductCategory
from workorders.services import intake_submit


def engineer(outlet, *, username=None, skills=("air_conditioner",), capacity=8, days_off=(), **profile):
    """A field engineer at `outlet` with a profile (08:30-18:00 by default)."""
    user = UserFactory(role=Role.ENGINEER, outlets=[outlet], **({"username": username} if username else {}))
    made = EngineerProfile.objects.create(
        user=user, daily_capacity=capacity, days_off=list(days_off), service_types=["repair"], **profile
    )
    made.skills.set(ProductCategory.objects.filter(code__in=skills))
    return user


def onsite_order(actor, outlet, *, category="air_conditioner", purchase_date=None, **order):
    """A complete on-site request, straight in the dispatch queue."""
    extra = {"purchase_date": purchase_date} if purchase_date else {}
    customer, product = customer_with_product(actor, outlet, category=category, **extra)
    fields = {
        "channel": "onsite_request",
        "service_type": "repair",
        "fault_description": "不制冷",
        "requested_time": at(next_workday(), 10),
    } | order
    return intake_submit(
        outlet=outlet,
        phone="13812345678",
        customer=customer,
        customer_name="",
        address="上海市徐汇区漕溪北路 88 号",
        product=product,
        product_fields={},
        order_fields=fields,
        idempotency_key=None,
        actor=actor,
    )


def next_workday(days=1) -> dt.date:
    """A weekday at least `days` from today (engineers' default profiles work every day)."""
    return timezone.localdate() + dt.timedelta(days=days)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def booked(order, engineer_user, actor, *, day=None, hour=10, hours=2):
    day = day or next_workday()
    return appointment_book(
        work_order=order, engineer=engineer_user, starts_at=at(day, hour), ends_at=at(day, hour + hours), actor=actor
    )
