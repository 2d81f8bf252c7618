"""Settings for nextsteps, every value from the environment.

Development needs no environment at all: SQLite under `var/`, a secret key generated once
into `var/secret_key`, DEBUG on. Production (`NEXTSTEPS_PRODUCTION=true`) refuses to start
without a real SECRET_KEY and ALLOWED_HOSTS, and turns on every transport protection.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from nextsteps.ops import config as ops_config

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


VAR_DIR = Path(env_str("NEXTSTEPS_VAR_DIR", str(BASE_DIR.parent.parent / "var")))
PRODUCTION = env_bool("NEXTSTEPS_PRODUCTION", False)


def development_secret_key() -> str:
    """A random key made once per checkout, so development sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50+ characters")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the host names the site serves")
    DEBUG = env_bool("DEBUG", False)
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    DEBUG = env_bool("DEBUG", True)

INSTALLED_APPS = [
    "nextsteps.web",  # first, so its form widget templates win
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "ninja",  # serves Swagger UI's assets locally for /api/v1/docs
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "nextsteps.schools",
    "nextsteps.accounts",
    "nextsteps.people",
    "nextsteps.teaching",
    "nextsteps.curriculum",
    "nextsteps.audit",
    "nextsteps.markbook",
    "nextsteps.reports",
    "nextsteps.assessments",
    "nextsteps.feedback",
    "nextsteps.progress",
    "nextsteps.judging",
    "nextsteps.writing",
    "nextsteps.policy",
    "nextsteps.statutory",
    "nextsteps.mtc",
    "nextsteps.interop",
    "nextsteps.api",
    "nextsteps.security",
    "nextsteps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nextsteps.web.middleware.SecurityHeadersMiddleware",
    "nextsteps.security.middleware.RefuseNulCharactersMiddleware",
    "nextsteps.security.middleware.UnreadableUploadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nextsteps.security.middleware.PupilViewAuditMiddleware",
    "nextsteps.access.AccessCheckedMiddleware",
    "nextsteps.ops.routers.ReportingReadsMiddleware",
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ROOT_URLCONF = "nextsteps.urls"
WSGI_APPLICATION = "nextsteps.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nextsteps.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nextsteps.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", True
):
    # Parameters bound by the server, and a statement run five times on a connection kept as
    # a prepared statement: PostgreSQL then stops planning the hot paths' statements (each
    # is compiled once by nextsteps.ops.prepared, so its text repeats exactly).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a teacher's write commits; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory, for the test database: the browser tests' live server answers
    # requests on several threads, each with its own connection, as in production.
    # One file per test process, so that runs side by side never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-database-{os.getpid()}.sqlite3")}

# Reporting reads go to a PostgreSQL read replica when DATABASE_REPLICA_URL names one.
_replica = ops_config.replica_database(dict(DATABASES["default"]))
if _replica is not None:
    DATABASES[ops_config.REPLICA] = _replica  # type: ignore[assignment]
DATABASE_ROUTERS = ["nextsteps.ops.routers.ReplicaRouter"]
NEXTSTEPS_REPORTING_VIEWS = frozenset(
    {
        "gap_analysis",
        "gap_analysis_csv",
        "gap_analysis_xlsx",
        "progress_home",
        "progress8",
        "ks1_ks2",
        "progress_trust_estimates",
        "assessments:analysis",
        "audit_log",
        "leader_dashboard",
        "leader_dashboard_csv",
        "leader_dashboard_xlsx",
        "department_dashboard",
        "trust_dashboard",
        "trust_dashboard_csv",
        "trust_dashboard_xlsx",
    }
)

# Background work: inline unless TASKS_BACKEND=database (then `nextsteps db_worker` runs it).
TASKS = ops_config.task_settings()
# The leaders' dashboards count from summaries (markbook.StandingSummary) recounted when
# standings change, and at least this often ("recent evidence" moves on with the clock).
SUMMARY_MAX_AGE_SECONDS = env_int("SUMMARY_MAX_AGE_SECONDS", 600)
# A write stamps its standings when it starts: any stamped this close before a count may
# have committed after it, so the count is taken again.
SUMMARY_SETTLE_SECONDS = env_int("SUMMARY_SETTLE_SECONDS", 60)

# The school's MIS through Wonde: the API base (Wonde's UK domain by default) and the token
# Wonde issued (sent as `Authorization: Bearer …`). No token: no sync.
WONDE_API_URL = env_str("WONDE_API_URL", "https://api.wonde.com/v1.0")
WONDE_TOKEN = env_str("WONDE_TOKEN", "")

# E-mail, only for the daily summaries people choose (`nextsteps notify digest`); nothing else
# needs it. Django's own settings: the console backend prints messages until a server is set.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "nextsteps <noreply@localhost>")
# The address people reach the product at, for the links in e-mails.
NEXTSTEPS_SITE_URL = env_str("NEXTSTEPS_SITE_URL", "http://localhost:8000").rstrip("/")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Django's ModelBackend, with the person's roles read in the same query as the person.
AUTHENTICATION_BACKENDS = ["nextsteps.accounts.backends.AccessBackend"]
# argon2id at the OWASP recommendation (19 MiB, 2 iterations, 1 lane); hashes made with
# Django's heavier defaults are checked, then upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "nextsteps.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (security/kernels/sign_in_throttle.py, docs/security.md): after this
# many wrong passwords for one user name from one address (or one device), that pair waits, from
# 30 seconds doubling to 15 minutes; an address whose failures name this many different user
# names in an hour is slowed as a whole. Devices the person signed in on before are not held.
SIGN_IN_THROTTLE = env_bool("SIGN_IN_THROTTLE", True)
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_ADDRESS_NAMES_LIMIT = env_int("SIGN_IN_ADDRESS_NAMES_LIMIT", 20)

# Django's database sessions, read by a statement compiled once (accounts/sessions.py).
SESSION_ENGINE = "nextsteps.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)  # a school day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "nextsteps.security.views.csrf_failure"  # a page that says what to do
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# UK forms for dates, times and numbers ("22 November 2026", 22/11/2026, 14:30).
FORMAT_MODULE_PATH = ["nextsteps.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": ops_config.file_storage(),  # local disk, or S3 when S3_BUCKET is set
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Development serves assets from the apps; an empty root keeps WhiteNoise quiet.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

OTP_TOTP_ISSUER = "nextsteps"
NEXTSTEPS_DEMO_PASSWORD = "nextsteps-demo"  # noqa: S105 - the documented demo password
