"""A realistic demo network: 2 centres, 4 outlets, staff for every role, plus each app's demo data.

Each app may have a `demo` module with a `seed()` function (idempotent, returns a summary line);
it runs after the network exists, in INSTALLED_APPS order.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from core.models import Outlet, ServiceCentre, User
from core.roles import Role
from core.services import centre_save, outlet_save, user_create

# Documented in the README; for the local demo only.
DEMO_PASSWORD = "Service#2026"  # noqa: S105

CENTRES = [
    ("east", "华东服务中心", "上海"),
    ("south", "华南服务中心", "广东"),
]
OUTLETS = [
    ("sh-xuhui", "上海徐汇网点", "east", "上海市徐汇区漕溪北路 88 号", "021-64871234"),
    ("sh-pudong", "上海浦东网点", "east", "上海市浦东新区张杨路 500 号", "021-58301122"),
    ("gz-tianhe", "广州天河网点", "south", "广州市天河区天河路 208 号", "020-38881234"),
    ("sz-nanshan", "深圳南山网点", "south", "深圳市南山区科技园南路 15 号", "0755-26631234"),
]
# username, name, role, outlets, centre, headquarters, phone
STAFF = [
    ("admin", "赵建国", Role.ADMIN, [], None, True, "13800138000"),
    ("supervisor", "孙丽华", Role.SUPERVISOR, [], "east", False, "13911112222"),
    ("frontdesk", "王芳", Role.FRONT_DESK, ["sh-xuhui"], None, False, "13612345678"),
    ("hotline", "李娜", Role.HOTLINE, ["sh-xuhui", "sh-pudong"], None, False, "13798765432"),
    ("dispatcher", "张伟", Role.DISPATCHER, ["sh-xuhui"], None, False, "13523456789"),
    ("engineer", "刘洋", Role.ENGINEER, ["sh-xuhui"], None, False, "13387654321"),
    ("engineer2", "陈磊", Role.ENGINEER, ["sh-pudong"], None, False, "13245678901"),
    ("supervisor.south", "周敏", Role.SUPERVISOR, [], "south", False, "13566667777"),
    ("frontdesk.gz", "黄晓燕", Role.FRONT_DESK, ["gz-tianhe"], None, False, "13622223333"),
    ("hotline.sz", "吴婷", Role.HOTLINE, ["sz-nanshan"], None, False, "13744445555"),
    ("dispatcher.gz", "郑浩", Role.DISPATCHER, ["gz-tianhe", "sz-nanshan"], None, False, "13888889999"),
    ("engineer.gz", "林志强", Role.ENGINEER, ["gz-tianhe"], None, False, "13177778888"),
]


class Command(BaseCommand):
    help = "Fill a demo network (centres, outlets, staff of every role). Running it twice adds nothing."

    @transaction.atomic
    def handle(self, *args, **opts):
        centres = {}
        for code, name, region in CENTRES:
            centres[code] = ServiceCentre.objects.filter(code=code).first() or centre_save(
                code=code, name=name, region=region, actor=None
            )
        outlets = {}
        for code, name, centre, address, phone in OUTLETS:
            outlets[code] = Outlet.objects.filter(code=code).first() or outlet_save(
                code=code, name=name, centre=centres[centre], address=address, phone=phone, actor=None
            )
        created = 0
        for username, name, role, outlet_codes, centre, hq, phone in STAFF:
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                username=username,
                name=name,
                password=DEMO_PASSWORD,
                role=role,
                outlets=[outlets[c] for c in outlet_codes],
                centre=centres[centre] if centre else None,
                is_headquarters=hq,
                phone=phone,
                actor=None,
            )
            created += 1
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                self.stdout.write(import_module(f"{app_config.name}.demo").seed())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(centres)} centres, {len(outlets)} outlets, {created} new staff "
                f"(password for every demo account: {DEMO_PASSWORD})."
            )
        )
