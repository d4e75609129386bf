"""Reads that tolerate lag go to a real PostgreSQL streaming replica: a primary and a standby made here
(initdb, pg_basebackup -R) on ports of their own, the project migrated on the primary, then a script in a
process of its own (DATABASE_URL and DATABASE_REPLICA_URL set) shows that the KPI page reads from the replica
and stays correct, that other pages and every write use the primary, and that a user who has just written
reads from the primary."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from glob import glob
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = sorted(glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(not BIN, reason="PostgreSQL's server programs are not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*command: str, **kwargs):
    """The server refuses to run as root: as the postgres user then (CI runs as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    program = [str(Path(BIN[-1]) / command[0]), *command[1:]]
    return subprocess.run(  # noqa: S603 - PostgreSQL's own programs
        [*prefix, *program], check=True, capture_output=True, text=True, timeout=120, **kwargs
    )


@pytest.fixture(scope="module")
def replica_pair():
    base = Path(tempfile.mkdtemp(prefix="replica-"))
    primary, standby = base / "primary", base / "standby"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    ports = {"primary": _free_port(), "standby": _free_port()}
    _as_postgres("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    settings = (
        f"port = {ports['primary']}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
        "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nshared_buffers = 32MB\n"
    )
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(settings)
    _as_postgres("pg_ctl", "-D", str(primary), "-l", str(base / "primary.log"), "-w", "start")
    try:
        _as_postgres(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(ports["primary"]),
            "-U",
            "postgres",
            "-D",
            str(standby),
            "-R",
            "-X",
            "stream",
        )
        with open(standby / "postgresql.conf", "a") as conf:
            conf.write(f"port = {ports['standby']}\n")
        _as_postgres("pg_ctl", "-D", str(standby), "-l", str(base / "standby.log"), "-w", "start")
        yield ports
    finally:
        for folder in (standby, primary):
            if (folder / "postmaster.pid").exists():
                _as_postgres("pg_ctl", "-D", str(folder), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


SCRIPT = r"""
import time
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse
from core.models import Outlet, ServiceCentre, User
from core.roles import Role
from core.services import user_create

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
replica, primary = connections["replica"], connections["default"]
replica.force_debug_cursor = primary.force_debug_cursor = True

centre = ServiceCentre.objects.create(code="r", name="复制中心")
outlet = Outlet.objects.create(code="r1", name="复制网点", centre=centre)
boss = user_create(
    username="boss", name="主管", password="Replica#2026-x", role=Role.SUPERVISOR, centre=centre, actor=None
)
for _ in range(100):  # the new rows reach the standby in a moment
    if replica.cursor().execute("SELECT 1 FROM core_outlet WHERE code = 'r1'").fetchone():
        break
    time.sleep(0.05)
else:
    raise SystemExit("the standby never caught up")
with replica.cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    print("standby in recovery:", cursor.fetchone()[0])

client = Client()
client.force_login(boss, backend="core.permissions.PermissionBackend")
def replica_reads(path, method="get", **data):
    answer = getattr(client, method)(path, data)  # each request starts the query logs afresh
    return answer.status_code, len(replica.queries)

status, reads = replica_reads(reverse("kpi-dashboard"))
print("kpi page:", status, "replica reads", reads > 0)
status, reads = replica_reads(reverse("outlet-list"))
print("outlet list:", status, "replica reads", reads)
page = client.get(reverse("kpi-dashboard")).content.decode()
print("kpi page names the outlet:", "复制网点" in page)
status, reads = replica_reads(reverse("language-switch"), method="post", language="en", next="/")
print("a write:", status, "replica reads", reads)
status, reads = replica_reads(reverse("kpi-dashboard"))
print("kpi page just after the write:", status, "replica reads", reads)
"""


def test_lag_tolerant_pages_read_from_a_real_replica_and_a_writer_reads_the_primary(replica_pair):
    url = "postgres://postgres@127.0.0.1:{}/postgres"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": url.format(replica_pair["primary"]),
        "DATABASE_REPLICA_URL": url.format(replica_pair["standby"]),
        "REPLICA_STICKY_SECONDS": "30",
        "TEST_WORKER": "",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT, timeout=600)  # noqa: S603
    started = time.perf_counter()
    ran = subprocess.run(  # noqa: S603 - this project's manage.py, fixed code
        [*manage, "shell", "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    out = ran.stdout
    assert "standby in recovery: True" in out
    assert "kpi page: 200 replica reads True" in out  # the dashboard's reads went to the standby
    assert "kpi page names the outlet: True" in out  # and they are correct: the outlet made on the primary
    assert "outlet list: 200 replica reads 0" in out  # a page that is not marked stays on the primary
    assert "a write: 302 replica reads 0" in out
    assert "kpi page just after the write: 200 replica reads 0" in out  # who just wrote reads the primary
    assert time.perf_counter() - started < 120
