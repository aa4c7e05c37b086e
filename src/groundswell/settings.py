"""Django settings. Everything deployment-specific comes from the environment (config.py)."""

import os
from pathlib import Path

from groundswell import config

BASE_DIR = Path(__file__).resolve().parent
HOME = config.home()

SECRET_KEY = config.secret_key(HOME)
DEBUG = config.flag("GROUNDSWELL_DEBUG")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "groundswell",
    "groundswell.accounts",
    "groundswell.members",
    "groundswell.ballots",
    "groundswell.groundgame",
    "groundswell.motions",
    "groundswell.events",
    "groundswell.mailouts",
    "groundswell.groups",
    "groundswell.selections",
    "groundswell.lifecycle",
    "groundswell.reach",
    "groundswell.vetting",
    "groundswell.worker",
]

MIDDLEWARE = [
    "groundswell.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "groundswell.web.middleware.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "groundswell.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "groundswell.web.middleware.DatabaseTroubleMiddleware",
    "groundswell.web.middleware.RefusalMiddleware",
]

ROOT_URLCONF = "groundswell.urls"
WSGI_APPLICATION = "groundswell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "groundswell.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": config.database_from_url(os.environ.get("DATABASE_URL"), HOME / "groundswell.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login throttling (accounts.throttle): this many failures within the window lock the
# account/address pair out for the lock-out period.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", str(15 * 60)))

SESSION_ENGINE = "groundswell.web.sessions"  # rows keyed by a keyed hash of the cookie (web/sessions.py)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS is sent by SecurityMiddleware only on requests that arrived over HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
BEHIND_PROXY = config.flag("BEHIND_TLS_PROXY")  # the proxy appends the client to X-Forwarded-For
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Uploads: big member files are streamed to disk, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)))
UPLOAD_DIR = HOME / "uploads"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"  # created by config.prepare_home when a command runs
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GROUNDSWELL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A worker renews its lease every quarter of this; a RUNNING task whose worker has not renewed
# for this long is put back on the queue by `groundswell tick` (groundswell/worker/leases.py).
TASK_LEASE_SECONDS = float(os.environ.get("GROUNDSWELL_TASK_LEASE_SECONDS", "60"))

globals().update(config.email_from_url(os.environ.get("EMAIL_URL")))
EMAIL_FILE_PATH = str(HOME / "mail")  # the file:// backend (the default without EMAIL_URL)
# Where people reach this site: used in links sent by email.
# The organisation's own party (a code of DESIGN.md): targets and "nearest marginal" are its.
GROUNDSWELL_PARTY = os.environ.get("GROUNDSWELL_PARTY", "LAB")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Groundswell <noreply@localhost>")

# GROUNDSWELL_LOG_FORMAT=json (what `serve --production` sets): one JSON object per line,
# a line per request included; otherwise plain text, warnings and errors only.
LOG_JSON = os.environ.get("GROUNDSWELL_LOG_FORMAT", "") == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "groundswell.web.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_JSON else {})}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "groundswell.request": {"level": "INFO" if LOG_JSON else "WARNING"},
        "groundswell": {"level": "INFO" if LOG_JSON else "WARNING"},
    },
}
