"""Demo data for `seed_demo`: a published fee schedule with realistic prices."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from warranty.models import FeeSchedule, LabourRate, PartPrice

NAME = "2026 年收费标准"
LABOUR = {
    "phone": {"repair": "80", "software_adjustment": "30", "bench_inspection": "20"},
    "tv": {"repair": "120", "installation": "100", "onsite_visit": "50"},
    "refrigerator": {"repair": "150", "onsite_visit": "50"},
    "washing_machine": {"repair": "120", "installation": "80", "onsite_visit": "50"},
    "air_conditioner": {"repair": "150", "installation": "200", "onsite_visit": "50"},
    "microwave": {"repair": "80", "bench_inspection": "20"},
    "pc": {"repair": "100", "software_adjustment": "60", "bench_inspection": "30"},
}
PARTS = [
    ("phone-screen", "手机屏幕总成", "phone", "499.00"),
    ("phone-battery", "手机电池", "phone", "129.00"),
    ("phone-charger", "充电器", "phone", "59.00"),
    ("phone-camera", "后置摄像头模组", "phone", "239.00"),
    ("tv-mainboard", "电视主板", "tv", "680.00"),
    ("tv-power-board", "电视电源板", "tv", "260.00"),
    ("fridge-compressor", "冰箱压缩机", "refrigerator", "850.00"),
    ("fridge-thermostat", "温控器", "refrigerator", "75.00"),
    ("wm-motor", "洗衣机电机", "washing_machine", "420.00"),
    ("wm-drain-pump", "排水泵", "washing_machine", "95.00"),
    ("ac-compressor", "空调压缩机", "air_conditioner", "1200.00"),
    ("ac-capacitor", "启动电容", "air_conditioner", "45.00"),
    ("ac-refrigerant", "制冷剂（每次加注）", "air_conditioner", "180.00"),
    ("mw-magnetron", "磁控管", "microwave", "210.00"),
    ("pc-memory-8g", "内存条 8GB", "pc", "199.00"),
    ("pc-ssd-512g", "固态硬盘 512GB", "pc", "329.00"),
]


@transaction.atomic
def seed() -> str:
    if FeeSchedule.objects.filter(name=NAME).exists():
        return "fee schedule: present"
    schedule = FeeSchedule.objects.create(
        name=NAME, effective_from=dt.date(2026, 1, 1), status=FeeSchedule.Status.PUBLISHED, visit_fee=Decimal("50.00")
    )
    LabourRate.objects.bulk_create(
        LabourRate(schedule=schedule, category=category, service_type=service, amount=Decimal(amount))
        for category, services in LABOUR.items()
        for service, amount in services.items()
    )
    PartPrice.objects.bulk_create(
        PartPrice(schedule=schedule, code=code, name=name, category=category, price=Decimal(price))
        for code, name, category, price in PARTS
    )
    return "fee schedule: created"
