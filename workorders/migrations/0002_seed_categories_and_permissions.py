"""Product categories linked to the seeded 三包 policies, and the work-order permissions of each role."""

from django.db import migrations

from core.roles import grant_permissions

CATEGORIES = [
    ("phone", "手机", "phone"),
    ("tv", "彩电", "tv"),
    ("refrigerator", "电冰箱", "refrigerator"),
    ("washing_machine", "洗衣机", "washing_machine"),
    ("air_conditioner", "空调", "air_conditioner"),
    ("microwave", "微波炉", "microwave"),
    ("pc", "电脑", "pc"),
]
READ = ["view_customer", "view_product", "view_workorder", "view_productcategory"]
INTAKE = ["add_customer", "change_customer", "add_product", "change_product", "add_workorder", "change_workorder"]
WORKORDER_PERMISSIONS = {
    "front_desk": READ + INTAKE,
    "hotline": READ + INTAKE,
    "dispatcher": [*READ, "change_workorder"],
    "engineer": [*READ, "change_workorder"],
    "supervisor": [*READ, "change_workorder", "change_customer"],
    "admin": READ + INTAKE + ["add_productcategory", "change_productcategory"],
}


def seed(apps, schema_editor):
    Category = apps.get_model("workorders", "ProductCategory")
    Policy = apps.get_model("warranty", "WarrantyPolicy")
    for code, name, policy in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "warranty_policy": Policy.objects.filter(code=policy).first()}
        )
    grant_permissions(apps, "workorders", WORKORDER_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0001_initial"),
        ("warranty", "0002_seed_policies"),
        ("core", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
