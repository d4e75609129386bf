"""Seed the national 三包 policies (issue table; values editable by publishing new versions)."""

import datetime
from decimal import Decimal

from django.db import migrations

from core.roles import grant_permissions

SINCE = datetime.date(2000, 1, 1)
PHONE_PARTS = {"battery": 6, "charger": 12, "headset": 3}
# code: (name, category, brand, national, return, exchange, months, components, parts limit, dep./day, no proof)
POLICIES = {
    "phone": ("手机", "phone", "", None, 7, 15, 12, PHONE_PARTS, 60, "0.005", "serial_date"),
    "tv": (
        "彩电",
        "tv",
        "",
        None,
        7,
        15,
        12,
        {"picture_tube": 36, "line_output_transformer": 36, "tuner": 36, "ic": 36},
        90,
        "0.001",
        "paid_only",
    ),
    "refrigerator": ("电冰箱", "refrigerator", "", None, 7, 15, 12, {"compressor": 36}, 90, "0.0005", "paid_only"),
    "washing_machine": ("洗衣机", "washing_machine", "", None, 7, 15, 12, {"motor": 36}, 90, "0.0005", "paid_only"),
    "air_conditioner": ("空调", "air_conditioner", "", None, 7, 15, 12, {"compressor": 36}, 90, "0.001", "paid_only"),
    "microwave": ("微波炉", "microwave", "", None, 7, 15, 12, {"main_parts": 24}, 90, "0.0005", "paid_only"),
    "pc": (
        "微型计算机",
        "pc",
        "",
        None,
        7,
        15,
        12,
        dict.fromkeys(["mainboard", "cpu", "memory", "display", "disk", "keyboard", "power_adapter"], 24),
        90,
        "0.001",
        "paid_only",
    ),
    "phone-brand-30d": (
        "手机品牌承诺（30 天换货）",
        "phone",
        "品牌",
        "phone",
        7,
        30,
        12,
        PHONE_PARTS,
        60,
        "0.005",
        "serial_date",
    ),
}

WARRANTY_PERMISSIONS = {
    "front_desk": ["view_warrantypolicy", "view_policyversion", "view_publicholiday"],
    "hotline": ["view_warrantypolicy", "view_policyversion", "view_publicholiday"],
    "dispatcher": ["view_warrantypolicy", "view_policyversion", "view_publicholiday"],
    "engineer": ["view_warrantypolicy", "view_policyversion", "view_publicholiday"],
    "supervisor": ["view_warrantypolicy", "view_policyversion", "view_publicholiday"],
    "admin": [
        "view_warrantypolicy",
        "add_warrantypolicy",
        "change_warrantypolicy",
        "view_policyversion",
        "add_policyversion",
        "view_publicholiday",
        "add_publicholiday",
        "change_publicholiday",
        "delete_publicholiday",
    ],
}


def seed(apps, schema_editor):
    Policy = apps.get_model("warranty", "WarrantyPolicy")
    Version = apps.get_model("warranty", "PolicyVersion")
    for code, (name, category, brand, national, ret, exch, months, parts, limit, dep, no_proof) in POLICIES.items():
        policy, _created = Policy.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "brand": brand,
                "national": Policy.objects.filter(code=national).first() if national else None,
            },
        )
        Version.objects.get_or_create(
            policy=policy,
            effective_from=SINCE,
            defaults={
                "return_days": ret,
                "exchange_days": exch,
                "warranty_months": months,
                "component_months": parts,
                "repairs_before_exchange": 2,
                "parts_wait_limit_days": limit,
                "repairer_delay_limit_days": 30,
                "repair_guarantee_days": 30,
                "depreciation_rate_per_day": Decimal(dep),
                "no_proof_rule": no_proof,
                "no_proof_grace_days": 90,
                "holiday_roll_over": False,
                "exchange_restarts_period": True,
            },
        )
    grant_permissions(apps, "warranty", WARRANTY_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("warranty", "0001_initial"), ("core", "0002_role_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
