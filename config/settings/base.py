"""Settings shared by every environment. The environment is read here and nowhere else."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's form templates, found by the project's own engine (FORM_RENDERER below).
    "django.forms",
    "treebeard",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "import_export",
    "core.apps.AxesConfig",  # django-axes, named in Chinese
    # Project apps, in dependency order (seed_demo runs their demo modules in this order).
    "core",
    "org",
    "campaigns",
    "outreach",
    "ledgers",
    "pledges",
    "evaluations",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A view that loses the database answers 503 with Retry-After, not 500 (core.database).
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Idle and absolute session limits; a password that must be changed first (core.accounts).
    "core.middleware.AccountPolicyMiddleware",
    # The back office answers only from ADMIN_ALLOWED_NETWORKS, when set.
    "core.middleware.AdminNetworkMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
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
                "core.context_processors.account",
                "reminders.context_processors.bell",
            ],
        },
    },
]

# Forms render with the project's templates, so templates/django/forms/ can reword a widget (the
# "---------" empty choice reads "请选择…").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# An empty filter means every row: the staff filters say "全部", as the hand-written ones do.
FILTERS_EMPTY_CHOICE_LABEL = _("全部")

# The embedded default: web server and worker share one SQLite file. WAL lets readers work
# while one writer writes; every transaction takes the write lock when it begins (IMMEDIATE), so
# two writers queue on the busy timeout instead of one failing with "database is locked" when
# it upgrades a read lock mid-transaction.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": env.int("DATABASE_SQLITE_TIMEOUT", default=20),  # seconds a writer waits for the lock
}


def database_settings(config: dict, *, conn_max_age: int) -> dict:
    """One database entry: persistent connections checked before reuse, SQLite made concurrent.

    A persistent connection dropped by the server (restart, failover, pg_terminate_backend)
    would fail the next request; the health check replaces it first.
    """
    config = {**config, "CONN_MAX_AGE": conn_max_age, "CONN_HEALTH_CHECKS": True}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {
    "default": database_settings(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=0),
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading permissions in one query instead of two.
    "core.backends.PermissionModelBackend",
]
# Argon2id first (MLPS level 3); older PBKDF2 hashes still verify and are re-hashed at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# The policy, in the words of core.passwords: 12 characters of 3 kinds, not common, not like the account.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "core.passwords.CommonPasswordValidator"},
    {"NAME": "core.passwords.NumericPasswordValidator"},
]
# Password age, dormant accounts and session limits (core.accounts).
ACCOUNT_PASSWORD_MAX_AGE_DAYS = env.int("ACCOUNT_PASSWORD_MAX_AGE_DAYS", default=90)
ACCOUNT_PASSWORD_WARN_DAYS = env.int("ACCOUNT_PASSWORD_WARN_DAYS", default=7)
ACCOUNT_DORMANT_DAYS = env.int("ACCOUNT_DORMANT_DAYS", default=90)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (core.lockout): an account is locked for 30 minutes after 5 failures from anywhere; an
# address (offices share one behind NAT, so its limit is higher) after 30 failures over any names.
# Both parameters are named; core.lockout gives each its own limit and reset.
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package.json + lock) and are served from here: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Stored files hold personal data: MEDIA_URL is routed nowhere (config/urls.py), and every file
# is read through core/files.py (login, scope, permission, audit), which hands the bytes over
# with django-sendfile2: Django itself here (the "simple" backend), the reverse proxy in
# production (X-Accel-Redirect to an `internal` location at SENDFILE_URL; README, Production).
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
SENDFILE_BACKEND = env("SENDFILE_BACKEND", default="django_sendfile.backends.simple")
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = env("SENDFILE_URL", default="/protected-media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. The zero-setup default is kombu's filesystem transport: a real broker with
# acks and retries (so `make run` behaves like production) that needs no server.
BROKER_DIR = BASE_DIR / ".broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when the broker is down: saves never wait on it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Every scheduled job, in one place. One entry per job, never one per cadre or per item: each job
# finds its own work in the database, so a run missed while beat was down is caught up by the next.
CELERY_BEAT_SCHEDULE = {
    # Due reminders go out within a minute; see docs/reminders.md.
    "reminders-dispatch": {"task": "reminders.dispatch_due", "schedule": 60.0},
    "reminders-sync": {"task": "reminders.sync_all", "schedule": 15 * 60.0},
    "reminders-digest": {"task": "reminders.create_digests", "schedule": crontab(hour=7, minute=30)},
    # Pledges turn 已逾期 at midnight in Asia/Shanghai; the sweep stores the status shortly after.
    "pledges-refresh-statuses": {
        "task": "pledges.refresh_statuses",
        "schedule": crontab(hour=0, minute=5),
    },
    # Demands past their deadline are marked and shown to the next leader up, once a day.
    "demands-escalate-overdue": {"task": "ledgers.escalate_overdue_demands", "schedule": crontab(hour=0, minute=15)},
    # Imports whose task was lost (broker wiped, worker died) are sent again.
    "imports-requeue-stale": {"task": "outreach.requeue_stale_imports", "schedule": 5 * 60.0},
    # Workbooks (full ID and mobile numbers) left unconfirmed past OUTREACH_IMPORT_KEEP_DAYS go.
    "imports-delete-abandoned": {"task": "outreach.delete_abandoned_imports", "schedule": crontab(hour=2, minute=30)},
    # Accounts unused for ACCOUNT_DORMANT_DAYS are disabled (MLPS: no dormant accounts).
    "accounts-disable-dormant": {"task": "core.disable_dormant_accounts", "schedule": crontab(hour=3, minute=10)},
}

# Reminders. The SMS backend is a dotted class path; offices plug in their provider.
REMINDERS_SMS_BACKEND = env("REMINDERS_SMS_BACKEND", default="reminders.channels.LoggingSmsBackend")
REMINDERS_SEND_TIME = env("REMINDERS_SEND_TIME", default="08:00")  # local time reminders go out
REMINDERS_BATCH_SIZE = env.int("REMINDERS_BATCH_SIZE", default=1000)  # reminder ids per broker message
REMINDERS_MAX_ATTEMPTS = env.int("REMINDERS_MAX_ATTEMPTS", default=5)  # then the delivery is failed
REMINDERS_RETRY_BACKOFF = env.int("REMINDERS_RETRY_BACKOFF", default=60)  # seconds, doubled per attempt
REMINDERS_QUEUED_TIMEOUT = env.int("REMINDERS_QUEUED_TIMEOUT", default=600)  # reclaim work a dead worker left
REMINDERS_DIGEST_AHEAD_DAYS = env.int("REMINDERS_DIGEST_AHEAD_DAYS", default=7)
# Links in reminder e-mails and SMS are opened outside the site (a mail client, a phone), so they
# are absolute: this address (scheme, host, and a path prefix if the app is mounted under one).
# Falls back to the public board's address; the loopback default suits `make run` only, and
# `check --deploy` warns about it (reminders.W001).
REMINDERS_SITE_URL = (
    env("MINQING_SITE_URL", default="") or env("MINQING_PUBLIC_BASE_URL", default="") or "http://127.0.0.1:8000"
)

# Seconds the health check waits for the broker before calling it degraded.
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=1.0)
# How many reverse proxies of our own stand in front of the app (each appends to X-Forwarded-For):
# the audit trail and the login lockout take the client IP from the right-most hop they did not
# write (core.request_context.client_ip). 0 ignores the header. The old yes/no setting
# AUDIT_TRUST_X_FORWARDED_FOR=true meant one proxy.
AUDIT_TRUSTED_PROXIES = env.int(
    "AUDIT_TRUSTED_PROXIES", default=1 if env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False) else 0
)
AXES_CLIENT_IP_CALLABLE = "core.request_context.client_ip"

# The back office's address (not the well-known /admin/ in production) and, optionally, the
# networks it answers from (CIDRs; elsewhere it is a 404). Empty: any network.
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"
ADMIN_ALLOWED_NETWORKS = env.list("DJANGO_ADMIN_ALLOWED_NETWORKS", default=[])

# The cookie lasts as long as a session may (the absolute limit); the idle limit is the middleware's.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
# A post refused by the CSRF check (a tab left open across a re-login) shows its form again.
CSRF_FAILURE_VIEW = "core.csrf.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="minqing@localhost")

# Excel imports (outreach): uploads over the size limit are refused before parsing; files up to
# the inline limit are checked in the request, larger ones by the Celery worker with a progress bar.
OUTREACH_IMPORT_MAX_BYTES = env.int("OUTREACH_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
OUTREACH_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("OUTREACH_IMPORT_MAX_UNCOMPRESSED_BYTES", default=400 * 1024 * 1024)
OUTREACH_IMPORT_INLINE_MAX_BYTES = env.int("OUTREACH_IMPORT_INLINE_MAX_BYTES", default=512 * 1024)
# Runs of a check or write that may die (worker killed, out of memory) before the job is failed.
OUTREACH_IMPORT_MAX_ATTEMPTS = env.int("OUTREACH_IMPORT_MAX_ATTEMPTS", default=2)
# What an imported workbook may hold (core.xlsx counts the sheet's real content, never what the
# file declares); past these the file is refused with a Chinese message. Memory stays bounded by them.
XLSX_IMPORT_MAX_ROWS = env.int("XLSX_IMPORT_MAX_ROWS", default=200_000)
XLSX_IMPORT_MAX_COLUMNS = env.int("XLSX_IMPORT_MAX_COLUMNS", default=100)
XLSX_IMPORT_MAX_CELLS = env.int("XLSX_IMPORT_MAX_CELLS", default=3_000_000)
XLSX_IMPORT_MAX_SHEETS = env.int("XLSX_IMPORT_MAX_SHEETS", default=100)
XLSX_IMPORT_MAX_STYLES = env.int("XLSX_IMPORT_MAX_STYLES", default=70_000)
XLSX_IMPORT_MAX_SHARED_STRINGS = env.int("XLSX_IMPORT_MAX_SHARED_STRINGS", default=3_000_000)
XLSX_IMPORT_MAX_TEXT_CHARS = env.int("XLSX_IMPORT_MAX_TEXT_CHARS", default=64_000_000)
# .xls and .ods are read by python-calamine in a child process confined to this much address
# space and CPU time (core.calamine): it builds the whole sheet rectangle in memory.
XLSX_IMPORT_CHILD_MEMORY_BYTES = env.int("XLSX_IMPORT_CHILD_MEMORY_BYTES", default=1024 * 1024 * 1024)
XLSX_IMPORT_CHILD_SECONDS = env.int("XLSX_IMPORT_CHILD_SECONDS", default=120)
# An uploaded workbook (full ID and mobile numbers) nobody confirmed or discarded is deleted,
# with its job, after this many days (the daily sweep "imports-delete-abandoned" above).
OUTREACH_IMPORT_KEEP_DAYS = env.int("OUTREACH_IMPORT_KEEP_DAYS", default=7)

# The QR code on the printed A4 notice of the public pledge board (公示栏) must open the board from
# a villager's phone: set the public address here when the app is reached from outside under
# another name than the intranet one (e.g. https://minqing.example.gov.cn). Empty: the address of
# the request.
PUBLIC_BOARD_BASE_URL = env("MINQING_PUBLIC_BASE_URL", default="")
