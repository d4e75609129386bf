"""One settings module, configured from the environment (see README "Configuration").

Production differs from a local run only by environment values.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DEBUG off) needs a long random SECRET_KEY "
            "in the environment, e.g. SECRET_KEY=$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'); for a local run set DEBUG=true."
        )
    SECRET_KEY = "local-development-only-not-secret-" + "x" * 20  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "phonenumber_field",
    "simple_history",
    "axes",
    "core",
    "warranty",
    "workorders",
    "dispatch",
    "followups",
    "complaints",
    "kpis",
    "settlement",
    "portal",  # the customer's own pages
    "django_ratelimit",
    "benchmarks",  # the top floor: reads every app, nothing imports it
]

MIDDLEWARE = [
    "core.reference.RequestScopeMiddleware",  # first: every request starts with its own note
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.replica.WritesRememberedMiddleware",  # after a write, that user's reads stay on the primary
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # a public page's limit answers 429 (RATELIMIT_VIEW)
    # Axes last: it needs the authenticated user and answers lockouts itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "core.forms.BootstrapRenderer"

# --- Database -------------------------------------------------------------------------------
# No DATABASE_URL: SQLite in the project folder (the embedded default for a local run only).
try:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except Exception as exc:  # environ raises several types for a malformed URL
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a valid database URL ({exc}). "
        "Use e.g. postgres://USER@HOST:5432/NAME, or unset it to use SQLite locally."
    ) from None
if DATABASES["default"].get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres://USER@HOST:5432/NAME); "
        "unset it to use SQLite for a local run."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker process started by a test can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    # PostgreSQL's JIT compiles the larger report queries for 20-50 ms each and saves less than that on
    # a dashboard's well-indexed aggregates (measured in BENCHMARKS.md): off for this application.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # QuerySet.iterator() (every form's model choices) would open a server-side cursor, which outside
    # a transaction PostgreSQL keeps WITH HOLD: three round trips and a materialised result for twenty
    # outlets (a list page's filter form 7.7 -> 4.3 ms without). Large reads page by key instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Parameters bound by the server, so that psycopg prepares a statement run five times on a connection:
    # PostgreSQL then skips parsing and planning it (a third less of its CPU an intake: BENCHMARKS.md).
    # Behind a pooler in transaction mode (PgBouncer), set DATABASE_PREPARED_STATEMENTS=false.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
    # Django's backend, splitting bulk statements under the 65,535 parameters a bound statement takes.
    DATABASES["default"]["ENGINE"] = "core.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A PostgreSQL streaming replica for the reads that tolerate a few seconds of lag (core/replica.py): the same
# options as the primary; a user's reads stay on the primary REPLICA_STICKY_SECONDS after they write.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db("DATABASE_REPLICA_URL"),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},  # in tests a replica is the primary (tests/core/test_replica.py runs a real one)
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix:// (got {REDIS_URL.split(':')[0]}:). "
        "Example: redis://127.0.0.1:6379/0; unset it to run without Redis locally."
    )

# `make test` runs the tests in two processes (pytest-xdist), each on its own database: each keeps its own
# cache keys and export files too, or one's permission cache and generation would answer the other's users.
TEST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": TEST_WORKER,
            # A Redis that does not answer costs a request a second at most, not a hang: the cache is a shortcut.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Embedded default: a broker in files under var/, so `make run` needs no Redis server.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = Path(env.str("BROKER_DIR", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)

# The public pages' limits per address (django-ratelimit) count in the cache. Django's own Redis backend
# increments atomically, which the package's list does not know (W001); the embedded local-memory cache
# counts per process, enough for one local server (E003).
RATELIMIT_VIEW = "portal.views.rate_limited"
# The address customers open the product at: the tracking links in messages start with it.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])

# A test worker's Celery worker (tests/core/test_scheduler.py) takes only that test process's tasks.
CELERY_TASK_DEFAULT_QUEUE = f"celery-{TEST_WORKER}" if TEST_WORKER else "celery"
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env.str("BEAT_SCHEDULE_FILE", default=str(VAR_DIR / "celerybeat-schedule"))
# How often beat runs the periodic sweeps; tests shorten it.
SCHEDULER_TICK_SECONDS = env.int("SCHEDULER_TICK_SECONDS", default=60)
# The KPI dashboard reads outlet-day figures (kpis.services): the recent days are made again this often,
# the longer history every night.
KPI_REFRESH_SECONDS = env.int("KPI_REFRESH_SECONDS", default=600)
KPI_RECENT_DAYS = env.int("KPI_RECENT_DAYS", default=14)
KPI_HISTORY_DAYS = env.int("KPI_HISTORY_DAYS", default=400)
CELERY_BEAT_SCHEDULE = {
    "scheduler-heartbeat": {"task": "core.tasks.scheduler_heartbeat", "schedule": SCHEDULER_TICK_SECONDS},
    "sweep-callbacks": {"task": "followups.tasks.sweep_callbacks", "schedule": SCHEDULER_TICK_SECONDS},
    "send-notifications": {"task": "core.tasks.send_notifications", "schedule": SCHEDULER_TICK_SECONDS},
    "escalate-overdue-cases": {"task": "complaints.tasks.escalate_overdue_cases", "schedule": SCHEDULER_TICK_SECONDS},
    "seasonal-callbacks": {"task": "followups.tasks.seasonal_callbacks", "schedule": crontab(hour=7, minute=0)},
    "check-legal-clocks": {"task": "workorders.tasks.check_legal_clocks", "schedule": crontab(hour=0, minute=10)},
    "refresh-kpis-recent": {"task": "kpis.tasks.refresh_recent_figures", "schedule": KPI_REFRESH_SECONDS},
    "refresh-kpis-history": {"task": "kpis.tasks.refresh_figures_history", "schedule": crontab(hour=2, minute=30)},
    "expire-exports": {"task": "core.tasks.expire_exports", "schedule": crontab(minute=15)},
    "clear-expired-sessions": {"task": "core.tasks.clear_expired_sessions", "schedule": crontab(hour=3, minute=40)},
    "hold-overdue-returns": {"task": "settlement.tasks.hold_overdue_returns", "schedule": crontab(hour=0, minute=20)},
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.permissions.PermissionBackend",  # ModelBackend in one query
]
# How long a user's permissions and outlets are kept in the cache (core/permissions.py); a change of a
# grant or scope makes them stale at once where the cache is shared (Redis), else in the other processes
# after this.
ACCESS_CACHE_SECONDS = env.int("ACCESS_CACHE_SECONDS", default=60)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): five failures lock that username, from that client (its address and its
# user agent), for 15 minutes. Not the whole address: a whole outlet often shares one public IP behind NAT,
# and one colleague's typos would lock every clerk out. Not the username alone: an integrator's script with
# a wrong password would lock the person out of the browser too. The API's anonymous throttle (per address)
# slows down guessing through the API on top.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address", "user_agent"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False


# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "core.sessions"  # the database's sessions, read from the cache
# TLS is usually terminated by the proxy in front; set these in production (README).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
# Content-Security-Policy (django-csp): scripts only from this site's static files (no inline script,
# no eval), nothing framed, forms posted only here. Inline style attributes stay allowed: the board and
# the charts place their bars with them, and htmx adds its indicator style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # signatures are PNG data URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],  # Redoc's search
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # unambiguous English dates (config/formats/en)
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DB_FORMAT = "E164"

# --- Static files (npm packages served by WhiteNoise; no CDN) ------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/tom-select/js", BASE_DIR / "node_modules/tom-select/dist/js"),
    ("vendor/tom-select/css", BASE_DIR / "node_modules/tom-select/dist/css"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.VendorFileFinder",
]
VENDOR_FILES = {"vendor/echarts/echarts.min.js": BASE_DIR / "node_modules/echarts/dist/echarts.min.js"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False

# --- API ------------------------------------------------------------------------------------
# Tokens (django-rest-knox): stored as a hash, valid API_TOKEN_DAYS unless asked for fewer or more days,
# revoked on the "API tokens" page or by POST /api/v1/auth/logout/.
KNOX_TOKEN_MODEL = "core.ApiToken"  # noqa: S105 - a model, not a secret
# knox's own migrations would make a table for the token model that core.ApiToken replaces, with a key to the
# users that no model names (a test database's flush then fails): knox is used without its migrations.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTH_HEADER_PREFIX": "Token"}
# Requests a minute (DRF's throttles, counted in the cache): per signed-in user, per address without one.
API_THROTTLE_RATES = {
    "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.drf.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.drf.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.authentication.UserThrottle", "core.authentication.AnonThrottle"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service work orders API",
    "DESCRIPTION": "After-sales service work orders: the same rules and outlet scoping as the browser.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.document_errors"],
    # One name per choice set that several serializers share.
    "ENUM_NAME_OVERRIDES": {
        "WorkOrderStatusEnum": "workorders.lifecycle.Status",
        "WorkOrderServiceTypeEnum": "workorders.models.WorkOrder.ServiceType",
        "FeeScheduleStatusEnum": "warranty.models.FeeSchedule.Status",
        "FeeServiceTypeEnum": "warranty.models.SERVICE_TYPE_CHOICES",
        "AppointmentStatusEnum": "dispatch.models.Appointment.Status",
        "VisitProofEnum": "dispatch.models.VisitReport.Proof",
        "ProductProofEnum": "workorders.models.Product.Proof",
        "PaymentMethodEnum": "workorders.models.Payment.Method",
        "CallbackStatusEnum": "followups.models.Callback.Status",
        "ComplaintCaseStatusEnum": "complaints.models.ComplaintCase.Status",
        "RemedyStatusEnum": "complaints.models.Remedy.Status",
        "FeedbackTypeEnum": "complaints.models.Feedback.Type",
        "FeedbackChannelEnum": "complaints.models.Feedback.Channel",
        "WorkOrderChannelEnum": "workorders.models.WorkOrder.Channel",
        "RemedyKindEnum": "complaints.models.Remedy.Kind",
        "AppointmentChangeKindEnum": "dispatch.models.AppointmentChange.Kind",
        "ChargeWaiverStatusEnum": "workorders.models.ChargeWaiver.Status",
        "PartRequisitionStatusEnum": "dispatch.models.PartRequisition.Status",
        "LoanerStatusEnum": "dispatch.models.LoanerUnit.Status",
        "WarrantyClaimStatusEnum": "settlement.models.WarrantyClaim.Status",
        "ClaimLineKindEnum": "settlement.models.ClaimLine.Kind",
        "ReturnTagStatusEnum": "settlement.models.ReturnTag.Status",
        "PartShipmentStatusEnum": "settlement.models.PartShipment.Status",
        "SettlementStatementStatusEnum": "settlement.models.SettlementStatement.Status",
    },
}

# Panels on every staff home page, from the apps (each a callable(request) -> HTML or None).
HOME_PANELS = [
    "dispatch.panels.todays_jobs",
    "followups.panels.call_queue",
    "dispatch.panels.needs_dispatcher",
    "dispatch.panels.legal_clocks",
    "workorders.panels.complaint_risks",
    "workorders.panels.waivers_to_decide",
    "settlement.panels.claims_to_decide",
    "complaints.panels.complaints_to_handle",
    "complaints.panels.praise",
    "workorders.panels.work_queues",
    "workorders.panels.message_slips",
]

# Panels on a work order's page, from the apps above workorders (callable(request, order) -> HTML or None).
# What people export from their lists (core/exports.py): a builder (the list's query, the user) -> Sheet, and
# the permission that reads it. Up to EXPORT_STREAM_LIMIT rows stream from the request; above, a worker
# writes the file under EXPORT_DIR (shared with the web processes), kept for EXPORT_KEPT.
EXPORTS = {
    "work-orders": {"builder": "workorders.exports.work_orders", "perm": "workorders.view_workorder"},
    "payments": {"builder": "workorders.exports.payments", "perm": "workorders.view_payment"},
    "callbacks": {"builder": "followups.exports.callbacks", "perm": "followups.view_callback"},
    "complaint-cases": {"builder": "complaints.exports.cases", "perm": "complaints.view_complaintcase"},
    "part-requisitions": {"builder": "dispatch.exports.requisitions", "perm": "dispatch.view_partrequisition"},
    "claims": {"builder": "settlement.exports.claims", "perm": "settlement.view_warrantyclaim"},
}
EXPORT_STREAM_LIMIT = env.int("EXPORT_STREAM_LIMIT", default=50_000)
EXPORT_DIR = Path(env.str("EXPORT_DIR", default=str(VAR_DIR / "exports" / TEST_WORKER)))
EXPORT_KEPT = timedelta(days=1)

ORDER_PANELS = [
    "dispatch.panels.order_visits",
    "followups.panels.order_callbacks",
    "settlement.panels.order_settlement",
]

# Rules that narrow which of their outlets' work orders a user sees (callables (queryset, user) -> queryset).
WORK_ORDER_VISIBILITY = ["dispatch.selectors.engineers_see_their_jobs"]

# Where customer and staff messages go (core/notify.py); the default only logs them.
NOTIFIER_BACKEND = env.str("NOTIFIER_BACKEND", default="core.notify.LogNotifier")
NOTIFY_DAILY_CAP = env.int("NOTIFY_DAILY_CAP", default=10)  # messages to one phone a day; the rest wait a day
# Tencent Cloud SMS (NOTIFIER_BACKEND=core.sms.TencentSmsNotifier): the account's keys, the SMS app, the region;
# the templates' IDs and parameters are data (MessageTemplate). The endpoint is changed only by tests.
SMS_SECRET_ID = env.str("SMS_SECRET_ID", default="")
SMS_SECRET_KEY = env.str("SMS_SECRET_KEY", default="")
SMS_APP_ID = env.str("SMS_APP_ID", default="")
SMS_REGION = env.str("SMS_REGION", default="ap-guangzhou")
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="https://sms.tencentcloudapi.com")
# The secret in the address Tencent Cloud posts the customers' replies to (/hooks/sms/<secret>/); empty: off.
SMS_REPLY_SECRET = env.str("SMS_REPLY_SECRET", default="")
# The WeChat official account (core/wechat.py; NOTIFIER_BACKEND=core.wechat.WeChatThenSmsNotifier); empty: SMS only.
WECHAT_APP_ID = env.str("WECHAT_APP_ID", default="")
WECHAT_APP_SECRET = env.str("WECHAT_APP_SECRET", default="")
WECHAT_API_BASE = env.str("WECHAT_API_BASE", default="https://api.weixin.qq.com/")
# SMS codes one address may ask for on the booking page (a network behind one address: an office, a campus).
PORTAL_CODES_PER_ADDRESS = env.str("PORTAL_CODES_PER_ADDRESS", default="10/h")

# --- Logging: secrets and full phone numbers never reach a log -----------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.logging.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pyBarcode": {"level": "WARNING"},  # says at import that it draws no bitmaps (we draw SVG)
    },
}
