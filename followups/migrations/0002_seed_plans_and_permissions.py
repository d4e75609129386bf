"""The callback table of DOMAIN as plans, default calling windows, and each role's permissions."""

import datetime as dt

from django.db import migrations

from core.roles import grant_permissions

DAY = 24 * 60
# code, name, trigger, offset (minutes), who calls, script
PLANS = [
    ("purchase-3d", "购机 3 天回访", "purchase", 3 * DAY, "hotline", "产品已经用上了吗？使用中有没有什么困难？"),
    ("purchase-7d", "购机 7 天回访", "purchase", 7 * DAY, "hotline", "使用感觉怎么样？有没有发现什么问题？"),
    (
        "purchase-15d",
        "购机 15 天回访",
        "purchase",
        15 * DAY,
        "hotline",
        "使用效果如何？如有问题请详细记录；没有问题的，确认使用方法正确并鼓励用户。",
    ),
    (
        "purchase-21d",
        "购机 21 天回访",
        "purchase",
        21 * DAY,
        "hotline",
        "使用效果如何？了解用户及家人的其他需求（为再次购买做准备）。",
    ),
    (
        "service-72h",
        "服务后 72 小时回访",
        "service_completed",
        72 * 60,
        "hotline",
        "产品现在工作正常吗？对这次服务满意吗？",
    ),
    ("guidance-2h", "电话指导后 2 小时回访", "phone_guidance", 120, "hotline", "按电话指导操作后，问题解决了吗？"),
    (
        "adjustment-30m",
        "电话调试后 30 分钟回访",
        "phone_adjustment",
        30,
        "hotline",
        "请用户观察后：产品现在运行稳定吗？",
    ),
    ("uncertain-3h", "维修后 3 小时回访", "uncertain_repair", 180, "engineer", "维修后产品还正常工作吗？"),
]
SEASONAL = (
    "season-ac",
    "空调入夏保养提醒",
    "air_conditioner",
    5,
    1,
    "入夏前提醒：清洗过滤网、检查室外机，告知保养方法。",
)
WINDOWS = [(dt.time(9, 0), dt.time(11, 30)), (dt.time(14, 0), dt.time(17, 30)), (dt.time(19, 0), dt.time(20, 30))]

SEE = ["view_callback", "view_callbackplan"]
CALLBACK_PERMISSIONS = {
    "front_desk": SEE,
    "hotline": [*SEE, "change_callback"],
    "dispatcher": SEE,
    "engineer": [*SEE, "change_callback"],
    "supervisor": [*SEE, "change_callback", "view_callback_measures"],
    "admin": [
        *SEE,
        "view_callback_measures",
        "change_callbackplan",
        "add_callbackplan",
        "view_callingwindow",
        "change_callingwindow",
    ],
}


def seed(apps, schema_editor):
    Plan = apps.get_model("followups", "CallbackPlan")
    Window = apps.get_model("followups", "CallingWindow")
    Category = apps.get_model("workorders", "ProductCategory")
    for code, name, trigger, offset, role, script in PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "trigger": trigger,
                "offset_minutes": offset,
                "caller_role": role,
                "script": script,
            },
        )
    code, name, category, month, day, script = SEASONAL
    air_conditioner = Category.objects.filter(code=category).first()
    if air_conditioner is not None:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "trigger": "seasonal",
                "offset_minutes": 0,
                "script": script,
                "category": air_conditioner,
                "season_month": month,
                "season_day": day,
            },
        )
    if not Window.objects.exists():
        Window.objects.bulk_create(Window(starts=s, ends=e) for s, e in WINDOWS)
    grant_permissions(apps, "followups", CALLBACK_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0001_initial"),
        ("workorders", "0002_seed_categories_and_permissions"),
        ("core", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
