"""Background work: the one shape of a Celery task and the one way to enqueue one from a request.

Every task is declared with ``@task(name="<app>.<verb_noun>", soft_time_limit=..., time_limit=...)``.
The limits stop a run that hangs (a stuck query, a hostile file) before it holds a worker for
good: the soft limit raises ``SoftTimeLimitExceeded`` inside the task, the hard one kills the
process. Every task shares one retry policy: only errors a later run can get past (the database
or the broker connection dropped) are retried, with exponential backoff and jitter so retries
from many workers do not arrive together. Anything else is a bug and fails at once.

Views and services enqueue with ``enqueue_on_commit``: the message leaves only once the rows it
names are committed (a worker never looks for a row that is not there yet), and a broker that is
down never fails a save.
"""

import logging
from collections.abc import Callable

from celery import Task as CeleryTask
from celery import current_app, shared_task
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# A dropped or refused connection: the same run succeeds once the server is back.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


class Task(CeleryTask):
    """The base of every task: the retry policy. Tasks are idempotent, so a retry is always safe."""

    autoretry_for = TRANSIENT_ERRORS
    max_retries = 3
    retry_backoff = 30  # seconds before the first retry, doubled for each next one
    retry_backoff_max = 600
    retry_jitter = True
    ignore_result = True  # no result backend: tasks write their outcome to the database


def task(*, name: str, soft_time_limit: int, time_limit: int, bind: bool = False):
    """Declare a Celery task: an explicit ``<app>.<verb_noun>`` name, both time limits, the retry policy.

    ``bind=True`` only for a task that retries for its own reason (a job another run still holds).
    """
    app_label, _dot, verb_noun = name.partition(".")
    if not app_label or not verb_noun or "." in verb_noun:
        raise ValueError(f"task names are <app>.<verb_noun>: {name!r}")
    if not 0 < soft_time_limit < time_limit:
        raise ValueError(f"{name}: the soft time limit must come before the hard one")
    return shared_task(name=name, base=Task, bind=bind, soft_time_limit=soft_time_limit, time_limit=time_limit)


def enqueue_on_commit(task_name: str, *args, fallback: Callable[[], object] | None = None) -> None:
    """Send the task ``task_name(*args)`` once the current transaction commits (at once outside one).

    ``args`` are JSON (ids, never model instances). When the broker is down the save still
    succeeds: ``fallback`` runs in this process instead, or, without one, the failure is logged
    and the beat sweep that owns the work sends it later. The task is named, not imported, so a
    service can enqueue its app's tasks without importing the module that imports it.
    """

    def send() -> None:
        try:
            current_app.send_task(task_name, args=list(args))
        except Exception:
            if fallback is None:
                logger.exception("broker unavailable; %s%r left to its sweep", task_name, args)
                return
            logger.warning("broker unavailable; running %s%r in this process", task_name, args, exc_info=True)
            fallback()

    transaction.on_commit(send)
