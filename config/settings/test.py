"""Test run: `make test`. SQLite unless DATABASE_URL is set; an in-memory broker unless told."""

import atexit
import os
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# live_server does not serve manifest-hashed names; tests use plain storage.
# Uploads go to a folder of this test process, removed at exit: files are served with sendfile, which
# reads real paths, exactly as in development.
MEDIA_ROOT = tempfile.mkdtemp(prefix="minqing-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_BACKEND = "django_sendfile.backends.simple"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"
WHITENOISE_AUTOREFRESH = True

# Under pytest-xdist every test process gets its own Redis database: the tests that start a real
# Celery worker would otherwise consume each other's tasks from one shared queue.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if CELERY_BROKER_URL.startswith("redis://") and _xdist_worker.startswith("gw"):
    # Worker subprocesses inherit both variables and must land on the same database, not shift again.
    _url = urlsplit(os.environ.setdefault("MINQING_TEST_BASE_BROKER_URL", CELERY_BROKER_URL))
    _db = int(_url.path.strip("/") or 0)
    CELERY_BROKER_URL = urlunsplit(_url._replace(path=f"/{(_db + 1 + int(_xdist_worker[2:])) % 16}"))
    # The app's Celery instance and the worker subprocesses read the environment first.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
