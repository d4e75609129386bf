import importlib

import pytest
from django.apps import apps

from core import permissions
from core.roles import Role
from tests.factories import CentreFactory, OutletFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _no_permissions_of_earlier_runs():
    """The cache (Redis in CI) outlives a test database: what an earlier run kept there is made stale."""
    permissions.renew_generation()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def network(db):
    """Two centres; centre A has outlets a1, a2; centre B has b1. One staff member per role at a1."""
    centre_a, centre_b = CentreFactory(code="a", name="华东中心"), CentreFactory(code="b", name="华南中心")
    a1 = OutletFactory(code="a1", name="徐汇网点", centre=centre_a)
    a2 = OutletFactory(code="a2", name="浦东网点", centre=centre_a)
    b1 = OutletFactory(code="b1", name="天河网点", centre=centre_b)
    staff = {
        Role.FRONT_DESK: UserFactory(username="fd", role=Role.FRONT_DESK, outlets=[a1]),
        Role.HOTLINE: UserFactory(username="hl", role=Role.HOTLINE, outlets=[a1]),
        Role.DISPATCHER: UserFactory(username="dp", role=Role.DISPATCHER, outlets=[a1]),
        Role.ENGINEER: UserFactory(username="en", role=Role.ENGINEER, outlets=[a1]),
        Role.SUPERVISOR: UserFactory(username="sv", role=Role.SUPERVISOR, centre=centre_a),
        Role.ADMIN: UserFactory(username="ad", role=Role.ADMIN, is_headquarters=True),
    }
    return type(
        "Network",
        (),
        {"centre_a": centre_a, "centre_b": centre_b, "a1": a1, "a2": a2, "b1": b1, "staff": staff},
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user):
        client.force_login(user, backend="core.permissions.PermissionBackend")
        return client

    return login


# Data migrations whose rows the tests rely on; each function is idempotent.
SEED_MIGRATIONS = [
    ("core.migrations.0002_role_groups", "create_role_groups"),
    ("core.migrations.0004_admin_outbox_and_templates", "grant"),
    ("warranty.migrations.0002_seed_policies", "seed"),
    ("warranty.migrations.0004_fee_permissions", "grant"),
    ("warranty.migrations.0005_production_date_without_proof", "count_from_production_date"),
    ("workorders.migrations.0002_seed_categories_and_permissions", "seed"),
    ("workorders.migrations.0006_call_permissions", "grant"),
    ("workorders.migrations.0009_charge_waiver_permissions", "grant"),
    ("workorders.migrations.0022_payment_permissions", "grant"),
    ("dispatch.migrations.0002_no_overlap_and_permissions", "grant"),
    ("dispatch.migrations.0004_parts_and_loaner_permissions", "grant"),
    ("dispatch.migrations.0018_stock_permissions", "grant"),
    ("followups.migrations.0002_seed_plans_and_permissions", "seed"),
    ("followups.migrations.0003_complaint_confirmation_trigger", "seed"),
    ("followups.migrations.0009_callback_deadline", "service_callback_within_72_hours"),
    ("followups.migrations.0010_no_test_run_callback", "seed"),
    ("followups.migrations.0011_remedial_callback", "seed"),
    ("complaints.migrations.0002_seed_and_permissions", "seed"),
    ("complaints.migrations.0006_remedy_ranks", "seed"),
    ("kpis.migrations.0002_permissions", "grant"),
    ("settlement.migrations.0002_permissions", "grant"),
    ("workorders.migrations.0020_english_names", "fill"),
    ("warranty.migrations.0007_english_names", "fill"),
    ("followups.migrations.0012_english_names", "fill"),
]


@pytest.fixture
def migration_data():
    """Transactional tests (live server, worker processes) flush the database after each test,
    which removes what data migrations made (role groups, seeded policies): make it again."""
    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def fake_sms(settings):
    """Tencent Cloud's SMS API faked on a local port (tests/fakes/tencent_sms.py), the outbox's backend."""
    from tests.fakes import tencent_sms

    fake, server = tencent_sms.serve()
    settings.NOTIFIER_BACKEND = "core.sms.TencentSmsNotifier"
    settings.SMS_ENDPOINT = fake.url
    settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY = tencent_sms.SECRET_ID, tencent_sms.SECRET_KEY
    settings.SMS_APP_ID, settings.SMS_SIGN_NAME = tencent_sms.APP_ID, "徐汇服务"
    yield fake
    server.shutdown()
