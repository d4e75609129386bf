"""Demo data for `seed_demo`: a published fee schedule with realistic prices."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from warranty.models import FeeSchedule, LabourRate, PartPrice

NAME = "2026 年收费标准"
NAME_EN = "2026 fee schedule"
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
    ("phone-screen", "手机屏幕总成", "Phone screen assembly", "phone", "499.00"),
    ("phone-battery", "手机电池", "Phone battery", "phone", "129.00"),
    ("phone-charger", "充电器", "Charger", "phone", "59.00"),
    ("phone-camera", "后置摄像头模组", "Rear camera module", "phone", "239.00"),
    ("tv-mainboard", "电视主板", "TV main board", "tv", "680.00"),
    ("tv-power-board", "电视电源板", "TV power board", "tv", "260.00"),
    ("fridge-compressor", "冰箱压缩机", "Fridge compressor", "refrigerator", "850.00"),
    ("fridge-thermostat", "温控器", "Thermostat", "refrigerator", "75.00"),
    ("wm-motor", "洗衣机电机", "Washing machine motor", "washing_machine", "420.00"),
    ("wm-drain-pump", "排水泵", "Drain pump", "washing_machine", "95.00"),
    ("ac-compressor", "空调压缩机", "Air conditioner compressor", "air_conditioner", "1200.00"),
    ("ac-capacitor", "启动电容", "Start capacitor", "air_conditioner", "45.00"),
    ("ac-refrigerant", "制冷剂（每次加注）", "Refrigerant (per charge)", "air_conditioner", "180.00"),
    ("mw-magnetron", "磁控管", "Magnetron", "microwave", "210.00"),
    ("pc-memory-8g", "内存条 8GB", "Memory module 8 GB", "pc", "199.00"),
    ("pc-ssd-512g", "固态硬盘 512GB", "SSD 512 GB", "pc", "329.00"),
]


@transaction.atomic
def seed() -> str:
    if FeeSchedule.objects.filter(name=NAME).exists():
        return "fee schedule: present"
    schedule = FeeSchedule.objects.create(
        name=NAME,
        name_en=NAME_EN,
        effective_from=dt.date(2026, 1, 1),
        status=FeeSchedule.Status.PUBLISHED,
        visit_fee=Decimal("50.00"),
    )
    LabourRate.objects.bulk_create(
        LabourRate(schedule=schedule, category=category, service_type=service, amount=Decimal(amount))
        for category, services in LABOUR.items()
        for service, amount in services.items()
    )
    PartPrice.objects.bulk_create(
        PartPrice(schedule=schedule, code=code, name=name, name_en=name_en, category=category, price=Decimal(price))
        for code, name, name_en, category, price in PARTS
    )
    return "fee schedule: created"
