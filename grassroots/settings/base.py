"""Settings shared by every environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "grassroots"

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "grassroots.core",
    "grassroots.workdays",
    "grassroots.orgs",
    "grassroots.elections",
    "grassroots.documents",
    "grassroots.orglife",
    "grassroots.standards",
    "grassroots.assessments",
    "grassroots.campaigns",
    "grassroots.stats",
    "grassroots.portal",
]

# Background jobs (core.jobs, decision 0034): queued in a table of the database, run by
# `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_ROWS = 5000  # an export or import of more rows than this runs as a background job

# The organisation model the toolkit in core works with (pickers, page helpers, role
# assignments), named rather than imported so that core depends on no domain app.
GRASSROOTS_ORGANIZATION_MODEL = "orgs.Organization"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "grassroots.core.request_limits.RequestSizeLimitMiddleware",  # before the CSRF check
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "grassroots.core.middleware.WriteConflictMiddleware",
    # Last, so that it sees the answer of a login that axes refused.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "grassroots.urls"
WSGI_APPLICATION = "grassroots.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers queue (up to 20 s) instead of failing with "database is locked": a
    # transaction takes the write lock when it begins, not when it first writes (a reader
    # upgrading to writer cannot wait); in WAL mode readers do not wait for writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A primary that cannot be reached fails the request fast (a Chinese 503, core.errors)
    # instead of holding a worker; a connection it dropped (a restart) is replaced before use.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: it compiles for the planner's cost, not the rows, and a subtree query over
    # host units estimated large spent 0.6 s compiling to return none (docs/benchmarks.md).
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
# A streaming replica (docs/deployment.md, decision 0035): statistics and exports read from
# it, everything else and whatever a user has just written from the primary. With none
# configured no router runs.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
    # A replica down fails fast; no JIT, as on the primary.
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2, "options": "-c jit=off"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["grassroots.core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "grassroots.core.replica.ReplicaPinMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "grassroots.core.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]  # messages stay Chinese whatever Accept-Language says
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Requests per client address; "public" is for the pages campaigns open to everyone.
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("THROTTLE_TOKEN", "20/min"),
        "public": os.environ.get("THROTTLE_PUBLIC", "60/min"),
    },
    # Reverse proxies in front of the app: the client address is the one they saw.
    "NUM_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "grassroots.core.api.base.StandardPagination",
    "EXCEPTION_HANDLER": "grassroots.core.api.base.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["grassroots.core.api.filters.BoundedFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "grassroots.core.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "基层党组织工作平台 API",
    "DESCRIPTION": "Registry of organisations, members, committees and terms (API v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Schema and docs need a login (a session or a token); test settings open them.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from our own static files: government intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's default validator badge loads an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One schema name per choice set that several apps' fields share a name with.
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "grassroots.assessments.choices.ItemStatus",
        "AssessmentStateEnum": "grassroots.assessments.choices.AssessmentState",
        "TaskStatusEnum": "grassroots.assessments.choices.TaskStatus",
        "WorkflowStateEnum": "grassroots.elections.choices.State",
        "CampaignKindEnum": "grassroots.campaigns.choices.CampaignKind",
        "StageCodeEnum": "grassroots.campaigns.choices.StageCode",
        "ApplicationStateEnum": "grassroots.campaigns.choices.ApplicationState",
        "ChainStepEnum": "grassroots.campaigns.choices.ChainStep",
        "OpinionEnum": "grassroots.campaigns.choices.Opinion",
        "InspectionStateEnum": "grassroots.campaigns.choices.InspectionState",
        "NoticeStateEnum": "grassroots.campaigns.choices.NoticeState",
        "ObjectionStateEnum": "grassroots.campaigns.choices.ObjectionState",
        "SurveyAnswerEnum": "grassroots.campaigns.choices.Answer",
        "TitleStateEnum": "grassroots.campaigns.choices.TitleState",
        "CheckCodeEnum": "grassroots.campaigns.choices.CheckCode",
    },
}

# API tokens (django-rest-knox): several per user, each expiring; see docs/security/auth.md.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "30"))),
    "AUTH_HEADER_PREFIX": "Token",
}
# A browser session ends after this much idle time (every request renews it).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_HOURS", "8")) * 3600
SESSION_SAVE_EVERY_REQUEST = True

# Failed logins (django-axes): a username is locked only from the address that failed, and an
# address that fails with any usernames is locked at a looser limit; both lift after the
# cool-off, so no outsider can lock an account for good. See grassroots/core/auth.py.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "grassroots.core.auth.LayeredLimitHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCK_MINUTES", "15")))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends on time, whatever is tried
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "grassroots.core.auth.client_address"
AXES_LOCKOUT_CALLABLE = "grassroots.core.auth.lockout_response"

# The Django admin is not mounted: accounts and roles change through the services, which
# check the subtree (grassroots/core/services.py). GRASSROOTS_ADMIN=1 mounts it at /admin/,
# read-only for accounts and roles (grassroots/core/admin.py).
GRASSROOTS_ADMIN = os.environ.get("GRASSROOTS_ADMIN", "0") == "1"

# Content-Security-Policy (django-csp): scripts, styles, fonts and requests only from this
# site, no inline code or eval, no plugins, no framing. Templates use static files and
# data-* attributes instead of <script>/<style>/style=/onclick=; images may be data: URIs
# (Bootstrap's icons, Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}


# Domain rules that differ between jurisdictions (RULES.md "configurable"); see
# docs/decisions/0003-configurable-rules.md.
PARTY_RULES = {
    "general_branch_from": 50,  # members at which a general branch is suggested
    "committee_above": 100,  # more than this many members suggests a basic committee (超过100名)
    "branch_warn_above": 50,
    "joint_branch_max_units": 5,
    "term_expiring_days": 90,
    "society_term_years": 5,  # societies renew with their council (seed 004 part 3)
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Uploads and request bodies (grassroots/core/uploads.py, grassroots/core/request_limits.py,
# docs/security/uploads.md). Measured: the platform's export of a 100,000-member roster is
# 10 MB packed with a 98 MiB sheet (152 MiB with every template column); saved by Excel, its
# shared strings are about 8 MiB.
UPLOAD_MAX_PARTS = 1000  # parts of an .xlsx/.docx archive
UPLOAD_MAX_PART_BYTES = 32 * 1024**2  # unpacked, a part the parser loads whole
UPLOAD_MAX_STREAMED_PART_BYTES = 256 * 1024**2  # unpacked, a worksheet read row by row
UPLOAD_MAX_UNPACKED_BYTES = 512 * 1024**2  # all parts together
UPLOAD_MAX_RATIO = 100  # unpacked : packed, for parts over UPLOAD_RATIO_FROM_BYTES
UPLOAD_RATIO_FROM_BYTES = 1024**2
UPLOAD_MAX_ROWS = 200_000  # rows read from an uploaded sheet
UPLOAD_MAX_COLUMNS = 100
REQUEST_MAX_BODY_BYTES = 1024**2  # JSON and form bodies; larger ones get 413
REQUEST_MAX_UPLOAD_BYTES = 51 * 1024**2  # multipart bodies: a 50 MB workbook and its form
