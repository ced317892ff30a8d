"""The database going away: persistent connections are health-checked before reuse,
and while the database is down users get a Chinese 503 page with Retry-After, not a 500."""

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import OperationalError, ProgrammingError
from django.test import RequestFactory
from django.urls import reverse

from core.database import database_unavailable_response

ROOT = Path(settings.BASE_DIR)


@contextmanager
def database_down(exc=None):
    """The connection fails as it does while the server is down (or the SQLite file cannot be
    opened). Undone on leaving, before any fixture's teardown needs the database again."""
    conn = connections[DEFAULT_DB_ALIAS]

    def ensure_connection():
        raise exc or OperationalError("unable to open database file")

    conn.ensure_connection = ensure_connection
    try:
        yield
    finally:
        del conn.ensure_connection


class TouchUserMiddleware:
    """Loads the user before the view, as middleware may: the database fails outside any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.pk  # noqa: B018 - the lookup is the point
        return self.get_response(request)


def _assert_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert 'data-testid="error-503"' in page
    assert "系统暂时不可用" in page
    assert "数据库暂时连接不上" in page
    return page


def test_a_page_answers_503_with_retry_after_while_the_database_is_down(world, client_for):
    client = client_for(world.town_staff)
    with database_down():
        listed = client.get(reverse("ledgers:demand_list"))
        posted = client.post(reverse("ledgers:demand_new"), {"title": "x"})
    _assert_503(listed)
    _assert_503(posted)
    assert client.get(reverse("ledgers:demand_list")).status_code == 200  # back as soon as it is


def test_a_failure_raised_in_middleware_also_answers_503(world, client_for, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: settings.MIDDLEWARE.index("core.middleware.AuditContextMiddleware")],
        "tests.core.test_database_unavailable.TouchUserMiddleware",
        *settings.MIDDLEWARE[settings.MIDDLEWARE.index("core.middleware.AuditContextMiddleware") :],
    ]
    client = client_for(world.town_staff)
    client.raise_request_exception = False
    with database_down():
        response = client.get(reverse("ledgers:demand_list"))
    _assert_503(response)


def test_the_503_page_is_rendered_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = database_unavailable_response()
    _assert_503(response)
    assert '<meta http-equiv="refresh" content="30">' in response.content.decode()


def test_the_503_page_speaks_english_when_english_was_chosen(world, client_for):
    client = client_for(world.town_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_down():
        response = client.get(reverse("ledgers:demand_list"))
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


def test_programming_errors_are_not_masked_as_a_database_outage(world, client_for):
    client = client_for(world.town_staff)
    client.raise_request_exception = False
    with database_down(ProgrammingError('relation "x" does not exist')):
        response = client.get(reverse("ledgers:demand_list"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_a_missing_sqlite_table_is_a_500_not_a_503(world, client_for):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite reports programming errors as OperationalError; PostgreSQL does not")
    client = client_for(world.town_staff)
    client.raise_request_exception = False
    with database_down(OperationalError("no such table: ledgers_demand")):
        response = client.get(reverse("ledgers:demand_list"))
    assert response.status_code == 500


def test_connections_are_health_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def _settings_in_subprocess(module, **env):
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE=module, **env)
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_checks_its_persistent_connections():
    db = _settings_in_subprocess(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="example.org",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://root@127.0.0.1:5432/minqing",
    )
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "transaction_mode" not in db.get("OPTIONS", {})


def test_the_embedded_sqlite_default_uses_wal_a_busy_timeout_and_immediate_transactions(tmp_path):
    db = _settings_in_subprocess("config.settings.local", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    options = db["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert db["CONN_HEALTH_CHECKS"] is True


# ---------------------------------------------------------------- PostgreSQL drops the connection


def _wsgi_get(path):
    """One request through the production WSGI handler: connections are checked at its start and
    end as under gunicorn (the test client skips that)."""
    environ = RequestFactory().get(path).environ
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()
    return int(statuses[0].split()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_postgresql_drops_the_connection_the_next_request_succeeds(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg2

    url = reverse("pledges:public_board", args=[world.village_a1.code])
    conn = connections[DEFAULT_DB_ALIAS]
    conn.settings_dict["CONN_MAX_AGE"] = 60  # persistent, as in production
    try:
        assert _wsgi_get(url) in (200, 404)
        assert conn.connection is not None  # kept for the next request
        pid = conn.connection.get_backend_pid()
        params = conn.get_connection_params()
        params.pop("cursor_factory", None)
        with psycopg2.connect(**params) as other, other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):  # bounded: the backend exits within moments
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
        assert _wsgi_get(url) in (200, 404)
        assert conn.connection.get_backend_pid() != pid
    finally:
        conn.settings_dict["CONN_MAX_AGE"] = 0
        conn.close()


# ---------------------------------------------------------------- SQLite under concurrent writers

WRITERS = 4
ITERATIONS = 60


def test_concurrent_writers_on_the_embedded_sqlite_file_never_see_database_is_locked(tmp_path):
    """Web workers and the Celery worker share one SQLite file under `make run`."""
    import sqlite3

    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE hammer_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        db.execute("CREATE TABLE hammer_log (id INTEGER PRIMARY KEY, seen INTEGER NOT NULL)")
        db.execute("INSERT INTO hammer_counter (id, n) VALUES (1, 0)")
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=f"sqlite:///{path}")
    writers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.core.sqlite_hammer", str(ITERATIONS)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    outputs = [writer.communicate(timeout=300)[0] for writer in writers]
    assert [out.strip().splitlines()[-1] for out in outputs] == ["ok"] * WRITERS, outputs
    with sqlite3.connect(path) as db:
        (n,) = db.execute("SELECT n FROM hammer_counter").fetchone()
        (logged, distinct) = db.execute("SELECT count(*), count(DISTINCT seen) FROM hammer_log").fetchone()
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert n == logged == distinct == WRITERS * ITERATIONS  # no write lost, none failed
    assert mode == "wal"
