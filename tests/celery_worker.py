"""A real `celery -A config worker` process for integration tests (marked ``redis``).

The worker is a separate process: it reads the test database (PostgreSQL; the tests commit their
data with ``transactional_db``) and the broker named by CELERY_BROKER_URL=redis://...
Used by tests/reminders/test_integration.py and tests/outreach/test_import_worker.py.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

BROKER = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[1]

# Module-level marks for a test file that needs the real worker.
WORKER_MARKS = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://... (a real Redis)"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process must share the test database: needs PostgreSQL (SQLite test DB is private)",
    ),
]


def start_worker(log_dir: Path, *, env: dict | None = None, settings_module: str = "config.settings.test"):
    """Start the worker (prefork, 2 processes) on the test database; returns it once "ready."."""
    from config.celery import app

    app.control.purge()
    db = connection.settings_dict
    worker_log = log_dir / "worker.log"
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        **(env or {}),
    }
    log = open(worker_log, "w")  # noqa: SIM115  (closed by stop_worker)
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_handle = log
    proc.worker_log = worker_log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "ready." in worker_log.read_text(errors="replace"):
            return proc
        if proc.poll() is not None:
            log.close()
            pytest.fail("the Celery worker exited:\n" + worker_log.read_text())
        time.sleep(0.2)
    stop_worker(proc)
    pytest.fail("the Celery worker did not start:\n" + worker_log.read_text())


def stop_worker(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.log_handle.close()


def pool_pids(proc) -> list[int]:
    """Process ids of the worker's pool (its child processes)."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def wait_for(predicate, worker, timeout=40, poll=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(poll)
    pytest.fail("timed out; worker log:\n" + worker.worker_log.read_text()[-4000:])
