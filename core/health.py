"""Health of the services the app depends on. The broker may be down; the app keeps working."""

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001  (any failure means the database is not usable)
        return "error"
    return "ok"


def broker_state() -> str:
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=timeout,
            transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": timeout},
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception:  # noqa: BLE001  (unreachable, refused, timed out: all "degraded")
        return "degraded"
    return "ok"
