import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import Outlet, ServiceCentre, User
from core.roles import Role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_create_staff_with_role_and_outlets(network):
    call_command(
        "create_staff",
        "wangfang",
        "--name",
        "王芳",
        "--role",
        "hotline",
        "--outlet",
        "a1",
        "--outlet",
        "a2",
        "--password",
        "Strong#Pass-99",
    )
    user = User.objects.get(username="wangfang")
    assert user.role == Role.HOTLINE
    assert set(user.outlets.values_list("code", flat=True)) == {"a1", "a2"}
    assert user.check_password("Strong#Pass-99")


def test_create_staff_takes_password_from_environment(network, monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "Env#Pass-2026")
    call_command("create_staff", "lina", "--name", "李娜", "--role", "supervisor", "--centre", "a")
    user = User.objects.get(username="lina")
    assert user.centre == network.centre_a
    assert user.check_password("Env#Pass-2026")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outlet", "nope"], "Unknown outlet code(s): nope"),
        (["--centre", "nope"], "Unknown centre code: nope"),
        (["--password", "123"], "password:"),
    ],
)
def test_create_staff_errors_are_clear(network, args, message):
    base = ["create_staff", "x1", "--name", "某人", "--role", "engineer"]
    if "--password" not in args:
        base += ["--password", "Strong#Pass-99"]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command(*base, *args)
    assert not User.objects.filter(username="x1").exists()


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo")
    counts = (ServiceCentre.objects.count(), Outlet.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (ServiceCentre.objects.count(), Outlet.objects.count(), User.objects.count()) == counts
    assert counts == (2, 4, 12)
    from workorders.models import WorkOrder

    assert WorkOrder.objects.count() == 240 + 5  # and the five orders of the three 三包 stories
    assert WorkOrder.objects.filter(warranty_options__contains=["exchange"]).count() >= 2
    assert WorkOrder.objects.filter(clock_limit_on__isnull=False, status="awaiting_parts", parts_wait_days=85).exists()
    assert WorkOrder.objects.values("status").distinct().count() == 10  # every state
    from dispatch.models import Appointment, EngineerProfile, LoanerUnit, Part, PartRequisition, VisitReport

    assert EngineerProfile.objects.count() == 3 and Appointment.objects.count() > 30
    assert VisitReport.objects.filter(signed_off_at__isnull=False).count() == 1
    assert (Part.objects.count(), LoanerUnit.objects.count(), PartRequisition.objects.count()) == (16, 8, 1)
    from followups.models import Callback

    statuses = set(Callback.objects.values_list("status", flat=True))
    assert {"queued", "scheduled"} <= statuses  # due, overdue and future callbacks in the demo queue
    from complaints.models import BadFaithFlag, ComplaintCase, Feedback, Remedy

    assert set(ComplaintCase.objects.values_list("status", flat=True)) == set(ComplaintCase.Status.values)
    assert ComplaintCase.objects.filter(escalated_at__isnull=False).count() == 2  # high severity, overdue
    assert Remedy.objects.filter(status="awaiting_approval").count() == 1 and BadFaithFlag.objects.count() == 1
    assert set(Feedback.objects.values_list("type", flat=True)) == set(Feedback.Type.values)
    assert Callback.objects.filter(plan__code="complaint-confirmation", status="queued").count() == 1
    assert {u.role for u in User.objects.prefetch_related("groups")} == set(Role)
    assert User.objects.get(username="frontdesk").check_password("Service#2026")


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")}
    full_env.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY is not set"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql://x@h/db"}, "DATABASE_URL must point at PostgreSQL"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, "Cannot connect to the database"),
        ({"DEBUG": "true", "REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL must start with redis://"),
        ({"DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:1/0"}, "Cannot reach Redis at REDIS_URL"),
    ],
)
def test_bad_configuration_gives_one_clear_message(env, expected):
    result = _manage("preflight", **env)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
