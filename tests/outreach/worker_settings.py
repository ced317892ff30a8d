"""Settings of the Celery worker started by test_import_worker.py: the test settings, with the
uploaded files in a directory both processes see (as web and worker share MEDIA_ROOT in
production; the test settings' media folder is private to one process)."""

import os

from celery.signals import task_prerun, worker_process_init

from config.settings.test import *  # noqa: F403
from config.settings.test import STORAGES

STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
MEDIA_ROOT = os.environ["MINQING_TEST_MEDIA_ROOT"]
# A run that died is taken over after this long without a sign of life (production: 10 min).
OUTREACH_IMPORT_STALE_SECONDS = int(os.environ.get("OUTREACH_IMPORT_STALE_SECONDS", "3"))


def _forget_content_types(**kwargs):
    """Each test flushes the database and the content types come back with new ids; a worker
    kept across tests must not write audit events with the ids it cached before."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


# Connected when the worker loads its settings, before it forks its pool processes.
task_prerun.connect(_forget_content_types, weak=False)


# A file carrying a part of this name kills the pool process that reads it, as a file that made
# the reader run out of memory did (tests/outreach/test_import_worker.py).
KILL_MARKER = b"kill-the-reader"


def _install_reader_that_dies_on_marked_files(**kwargs):
    import signal

    from outreach import services

    read = services.read_first_sheet

    def read_or_die(data):
        if KILL_MARKER in data:
            os.kill(os.getpid(), signal.SIGKILL)
        return read(data)

    services.read_first_sheet = read_or_die


worker_process_init.connect(_install_reader_that_dies_on_marked_files, weak=False)
