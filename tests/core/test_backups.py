"""make backup / make restore / the restore drill (scripts/), on a real PostgreSQL database."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from core.models import AuditEvent
from tests.factories import HouseholdFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="backups are of PostgreSQL (pg_dump): needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _url(name=None):
    s = connection.settings_dict
    user = s.get("USER") or "root"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{name or s['NAME']}"


def _run(script, *args, env, check=True):
    command = [str(SCRIPTS / script), *args]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=check)  # noqa: S603  (our own scripts)


def _psql(url, sql):
    command = [shutil.which("psql"), url, "-tAqc", sql]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603  (fixed SQL)


def test_a_backup_is_encrypted_and_restores_the_database_and_the_files(tmp_path):
    HouseholdFactory.create_batch(3)
    media = tmp_path / "media"
    (media / "visits").mkdir(parents=True)
    (media / "visits" / "photo.jpg").write_bytes(b"\xff\xd8\xff photo of a home")
    env = {"DATABASE_URL": _url(), "BACKUP_KEY": "a-long-random-passphrase", "DJANGO_MEDIA_ROOT": str(media)}
    backup = Path(_run("backup.sh", env={**env, "BACKUP_DIR": str(tmp_path / "backups")}).stdout.strip())
    assert backup.exists()
    assert Path(f"{backup}.sha256").exists()
    assert b"photo of a home" not in backup.read_bytes()  # encrypted, not just packed

    scratch = f"{connection.settings_dict['NAME']}_restored"
    _psql(_url("postgres"), f"DROP DATABASE IF EXISTS {scratch}")
    _psql(_url("postgres"), f"CREATE DATABASE {scratch}")
    try:
        wrong = _run(
            "restore.sh", str(backup), _url(scratch), str(tmp_path / "out"), env={"BACKUP_KEY": "wrong"}, check=False
        )
        assert wrong.returncode != 0
        _run("restore.sh", str(backup), _url(scratch), str(tmp_path / "out"), env={"BACKUP_KEY": env["BACKUP_KEY"]})
        assert _psql(_url(scratch), "SELECT count(*) FROM outreach_household") == "3"
        assert (tmp_path / "out" / "visits" / "photo.jpg").read_bytes() == b"\xff\xd8\xff photo of a home"
    finally:
        _psql(_url("postgres"), f"DROP DATABASE IF EXISTS {scratch}")


def test_a_tampered_backup_is_refused_before_anything_is_restored(tmp_path):
    env = {
        "DATABASE_URL": _url(),
        "BACKUP_KEY": "k" * 32,
        "BACKUP_DIR": str(tmp_path),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "m"),
    }
    backup = Path(_run("backup.sh", env=env).stdout.strip())
    data = bytearray(backup.read_bytes())
    data[-1] ^= 0xFF
    backup.write_bytes(bytes(data))
    refused = _run("restore.sh", str(backup), _url("nowhere"), env={"BACKUP_KEY": env["BACKUP_KEY"]}, check=False)
    assert refused.returncode != 0
    assert "FAILED" in refused.stderr + refused.stdout


def test_the_restore_drill_compares_every_table_and_the_audit_trail():
    HouseholdFactory.create_batch(2)
    AuditEvent.objects.create(action="auth.login", actor_repr="drill")
    result = _run("restore-drill.sh", env={"DATABASE_URL": _url(), "BACKUP_KEY": "drill-key"})
    assert "restore drill passed" in result.stdout
    assert "audit trail" in result.stdout
