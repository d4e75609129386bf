"""Demo data for `seed_demo`: engineer profiles and a week of appointments, one visit signed off."""

import datetime as dt
from itertools import cycle

from django.db import transaction
from django.utils import timezone

from core.models import Outlet, User
from core.roles import Role
from core.signatures import drawn_signature
from dispatch.models import CHECKLIST, Appointment, Part
from dispatch.services import (
    appointment_book,
    engineer_profile_save,
    loaner_register,
    part_requisition_request,
    place_of_centre,
    place_of_outlet,
    place_of_van,
    reorder_point_set,
    stock_receive,
    transfer_receive,
    transfer_request,
    transfer_ship,
    visit_event,
    visit_report_save,
    visit_sign_off,
)
from warranty.models import PartPrice
from warranty.services import schedule_in_force
from workorders.lifecycle import Status
from workorders.models import ProductCategory, WorkOrder

SLOTS = [(9, 0), (11, 0), (14, 0), (16, 0)]  # two-hour windows


def _window(day: dt.date, slot: tuple[int, int]) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(*slot)))
    return start, start + dt.timedelta(hours=2)


@transaction.atomic
def seed() -> str:
    if Appointment.objects.exists():
        return "appointments: present"
    admin = User.objects.get(username="admin")
    categories = list(ProductCategory.objects.all())
    engineers = list(User.objects.filter(groups__name=Role.ENGINEER).prefetch_related("outlets").order_by("username"))
    for engineer in engineers:
        engineer_profile_save(
            engineer=engineer,
            skills=categories,
            service_types=["repair", "installation", "maintenance"],
            work_start=dt.time(8, 30),
            work_end=dt.time(18, 0),
            days_off=[],
            daily_capacity=6,
            base_area=engineer.outlets.first().address[3:6],  # the district
            actor=admin,
        )
    booked = 0
    today = timezone.localdate()
    queue = WorkOrder.objects.filter(status=Status.AWAITING_DISPATCH).select_related("outlet").order_by("id")
    for i, order in enumerate(queue):
        if i % 4 == 3:
            continue  # leave some in the dispatch queue
        booker = User.objects.get(groups__name=Role.SUPERVISOR, centre_id=order.outlet.centre_id)
        team = [e for e in engineers if any(o.pk == order.outlet_id for o in e.outlets.all())]
        if not team:
            continue
        slots = cycle([(today + dt.timedelta(days=d), slot) for d in range(1, 7) for slot in SLOTS])
        for _attempt in range(len(SLOTS) * 6 * len(team)):
            day, slot = next(slots)
            engineer = team[(i + _attempt) % len(team)]
            starts_at, ends_at = _window(day, slot)
            if Appointment.objects.filter(
                engineer=engineer, starts_at__lt=ends_at, ends_at__gt=starts_at, status__in=Appointment.LIVE
            ).exists():
                continue
            appointment_book(work_order=order, engineer=engineer, starts_at=starts_at, ends_at=ends_at, actor=booker)
            booked += 1
            break
    visited = _one_visit()
    parts, loaners = _parts_and_loaners(admin)
    return f"appointments: {booked} booked, {visited} visit signed off; {parts} parts; {loaners} loaners"


def _parts_and_loaners(admin) -> tuple[int, int]:
    """The fee schedule's parts as the catalogue, stock in the centres' warehouses and at every outlet
    (some below their reorder point), 刘洋's van stocked from his outlet, one order to the warehouse on
    its way; two loaners each outlet; 刘洋 has asked for a part for his next job."""
    schedule = schedule_in_force(timezone.localdate())
    categories = {c.code: c for c in ProductCategory.objects.all()}
    prices = PartPrice.objects.filter(schedule=schedule).order_by("code") if schedule else []
    parts = [
        Part.objects.get_or_create(
            code=p.code, defaults={"name": p.name, "name_en": p.name_en, "category": categories.get(p.category)}
        )[0]
        for p in prices
    ]
    made = 0
    for centre in {o.centre for o in Outlet.objects.select_related("centre")}:
        for part in parts:
            stock_receive(place=place_of_centre(centre), part=part, quantity=20, actor=admin)
    for outlet in Outlet.objects.order_by("code"):
        for i, part in enumerate(parts):
            if i % 3:
                stock_receive(place=place_of_outlet(outlet), part=part, quantity=2 + i % 5, actor=admin)
            if i % 4 == 0:
                reorder_point_set(outlet=outlet, part=part, reorder_point=3, actor=admin)
        for n, (description, category) in enumerate([("周转空调 1.5 匹", "air_conditioner"), ("周转电视 43 寸", "tv")]):
            loaner_register(
                outlet=outlet,
                serial=f"LN-{outlet.code}-{n + 1}",
                description=description,
                category=categories.get(category),
                actor=admin,
            )
            made += 1
    job = (
        Appointment.objects.filter(engineer__username="engineer", status=Appointment.Status.BOOKED)
        .select_related("engineer", "work_order__product")
        .order_by("starts_at")
        .first()
    )
    part = next((p for p in parts if p.category_id == (job.work_order.product.category_id if job else None)), None)
    if job and part:
        _stock_the_van(job.engineer, parts)
        part_requisition_request(
            work_order=job.work_order, part=part, quantity=1, note="上门前备件", actor=job.engineer
        )
    return len(parts), made


def _stock_the_van(engineer: User, parts: list[Part]) -> None:
    """The centre's supervisor puts two of each of the first parts in the engineer's van from the outlet,
    and the outlet orders more from the centre's warehouse."""
    van = place_of_van(engineer)
    outlet = place_of_outlet(van.outlet)
    supervisor = User.objects.filter(groups__name=Role.SUPERVISOR, centre_id=van.centre_id).first()
    for part in parts[1:3]:
        transfer = transfer_request(source=outlet, destination=van, part=part, quantity=2, actor=supervisor)
        transfer_ship(transfer=transfer, actor=supervisor)
        transfer_receive(transfer=transfer, actor=supervisor)
    transfer_request(
        source=place_of_centre(van.outlet.centre), destination=outlet, part=parts[0], quantity=5, actor=supervisor
    )


def _one_visit() -> int:
    """刘洋 visits his first in-warranty job and the customer signs off satisfied."""
    appointment = (
        Appointment.objects.filter(engineer__username="engineer", work_order__in_warranty=True)
        .select_related("engineer")
        .order_by("starts_at")
        .first()
    )
    if appointment is None:
        return 0
    engineer = appointment.engineer
    for event in ("departed", "arrived"):
        visit_event(appointment=appointment, event=event, actor=engineer)
    visit_report_save(
        appointment=appointment,
        checklist=dict.fromkeys(CHECKLIST, True) | {"mat_cloth": False},
        checklist_not_done={"mat_cloth": "壁挂机高处作业，无需铺垫布"},
        proof="proof_seen",
        parts_complete=True,
        diagnosis="温控板接触不良",
        actions="重新插接并紧固温控板排线，清洁滤网",
        test_run_result="试机 30 分钟制冷正常，整机通检无异常",
        actor=engineer,
    )
    for event in ("started", "finished"):
        visit_event(appointment=appointment, event=event, actor=engineer)
    visit_sign_off(
        appointment=appointment,
        satisfied=True,
        rating_quality=5,
        rating_attitude=5,
        comment="师傅很专业",
        signature=drawn_signature(),
        actor=engineer,
    )
    return 1
