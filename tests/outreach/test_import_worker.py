"""Household imports through the page, run by a REAL Celery worker process on Redis (not eager).

Run with PostgreSQL and Redis, e.g.
DATABASE_URL=postgres://root@127.0.0.1:5432/mq_x CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \\
  .venv/bin/python -m pytest tests/outreach/test_import_worker.py
The worker reads the test database, so the tests commit their data (transactional_db), and the
uploaded file is in a directory both processes see (tests/outreach/worker_settings.py).
"""

import os
import re
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outreach.models import Household, ImportJob
from tests.celery_worker import WORKER_MARKS, pool_pids, start_worker, stop_worker, wait_for
from tests.outreach.helpers import household_row, valid_id, xlsx_bytes

pytestmark = WORKER_MARKS

ROWS = 30_000
# Small enough that every file here goes to the worker; the default is 512 KB.
INLINE_MAX = 16 * 1024
STATUS = re.compile(r'data-status="(\w+)"')
COUNTS = re.compile(r"(\d+) / (\d+)")


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory, media_root):
    proc = start_worker(
        tmp_path_factory.mktemp("worker"),
        env={"MINQING_TEST_MEDIA_ROOT": str(media_root)},
        settings_module="tests.outreach.worker_settings",
    )
    yield proc
    stop_worker(proc)


@pytest.fixture
def page(transactional_db, world, worker, media_root, settings, client_for):
    """town_staff's client; the web side stores files where the worker reads them."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = str(media_root)
    settings.OUTREACH_IMPORT_INLINE_MAX_BYTES = INLINE_MAX
    return client_for(world.town_staff)


def _rows(n, start=1):
    return [household_row("CA1V1", f"{i:06d}", id_number=valid_id(i)) for i in range(start, start + n)]


def _upload(client, data):
    response = client.post(
        reverse("outreach:import_upload"),
        {"kind": "households", "file": SimpleUploadedFile("名册.xlsx", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("created_at")


def _poll(client, job):
    """What the page's htmx poll gets: (status, processed, total)."""
    body = client.get(reverse("outreach:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    status = STATUS.search(body).group(1)
    counts = COUNTS.search(body)
    processed, total = (int(counts.group(1)), int(counts.group(2))) if counts else (None, None)
    return status, processed, total, body


def _poll_until(client, job, worker, final, timeout=90):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, processed, total, body = _poll(client, job)
        seen.append((status, processed, total))
        if status in final:
            return seen, body
        time.sleep(0.02)
    pytest.fail(f"job stuck in {seen[-1]}; worker log:\n" + worker.worker_log.read_text()[-4000:])


def test_a_large_file_is_checked_and_imported_by_the_worker_with_progress(page, worker):
    data = xlsx_bytes(_rows(ROWS))
    assert len(data) > INLINE_MAX
    job = _upload(page, data)
    seen, body = _poll_until(page, job, worker, {"valid", "invalid", "failed"})
    assert seen[-1][0] == "valid", body
    assert f"全部 {ROWS} 行检查通过：将新增 {ROWS} 条" in body
    # The bar the browser polls moved forward while the worker checked, never backwards.
    counts = [p for s, p, t in seen if s == "checking" and p is not None]
    assert any(0 < p < ROWS for p in counts), seen
    assert counts == sorted(counts)
    assert {t for s, p, t in seen if s == "checking" and t} <= {ROWS}
    assert Household.objects.count() == 0  # the preview writes nothing

    response = page.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    seen, body = _poll_until(page, job, worker, {"done", "invalid", "failed"})
    assert seen[-1][0] == "done", body
    assert f"导入完成：新增 {ROWS} 条" in body
    assert Household.objects.count() == ROWS
    assert Household.objects.filter(village__code="CA1V1", number="000001").count() == 1


def test_a_double_click_on_confirm_imports_once(page, worker, world):
    job = _upload(page, xlsx_bytes(_rows(3000)))
    _poll_until(page, job, worker, {"valid"})
    url = reverse("outreach:import_confirm", args=[job.pk])
    first, second = page.post(url), page.post(url)
    assert (first.status_code, second.status_code) == (302, 302)
    _poll_until(page, job, worker, {"done"})
    time.sleep(5)  # a second message, retried after the stale time (3 s) if it came too early, has run
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.summary["created"] == 3000
    assert Household.objects.count() == 3000
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="outreach.import_households").count() == 1


def test_a_file_with_bad_rows_ends_invalid_with_every_error_and_nothing_written(page, worker):
    rows = _rows(3000)
    rows[10][0] = "NOPE"  # Excel row 12: unknown village
    rows[100][7] = valid_id(101)[:-1] + ("0" if valid_id(101)[-1] != "0" else "1")  # row 102: check digit
    rows[2000][2] = rows[1999][2]  # row 2002: same number as row 2001
    job = _upload(page, xlsx_bytes(rows))
    seen, body = _poll_until(page, job, worker, {"valid", "invalid", "failed"})
    assert seen[-1][0] == "invalid", body
    job.refresh_from_db()
    assert [(e["row"], e["column"]) for e in job.errors] == [(12, "村/社区代码"), (102, "户主身份证号"), (2002, "户号")]
    assert "发现 3 处错误，没有写入任何数据" in body
    assert "“NOPE”在系统中不存在" in body
    assert "import-confirm" not in body
    assert page.post(reverse("outreach:import_confirm", args=[job.pk])).status_code == 302
    time.sleep(1)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.INVALID
    assert Household.objects.count() == 0


def test_a_check_whose_worker_dies_is_taken_over_and_finishes(page, worker):
    job = _upload(page, xlsx_bytes(_rows(ROWS)))
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).processed_rows > 0, worker, poll=0.02)
    for pid in pool_pids(worker):
        os.kill(pid, signal.SIGKILL)  # a pool process of the worker this test started
    # acks_late + reject_on_worker_lost put the message back; the new run finds the job
    # "checking" with no sign of life, waits until it is stale and takes it over.
    seen, body = _poll_until(page, job, worker, {"valid", "invalid", "failed"})
    assert seen[-1][0] == "valid", body
    assert "taking over a checking run" in worker.worker_log.read_text()
    assert Household.objects.count() == 0


def test_a_file_that_kills_the_worker_on_every_run_ends_failed_with_a_discard_button(page, worker):
    import io
    import zipfile

    buffer = io.BytesIO(xlsx_bytes(_rows(3000)))
    with zipfile.ZipFile(buffer, "a") as archive:
        # The worker's reader kills its process on this part (worker_settings.KILL_MARKER).
        archive.writestr("docProps/kill-the-reader.xml", "<x/>")
    job = _upload(page, buffer.getvalue())
    # Killed, redelivered (acks_late), taken over once stale, killed again: then failed.
    seen, body = _poll_until(page, job, worker, {"valid", "invalid", "failed"}, timeout=120)
    assert seen[-1][0] == "failed", body
    assert "检查时处理进程已 2 次意外中断" in body
    assert 'data-testid="import-discard"' in body
    assert worker.poll() is None  # the worker itself lives on and takes the next file
    job = _upload(page, xlsx_bytes(_rows(3000, start=10_000)))
    seen, body = _poll_until(page, job, worker, {"valid", "invalid", "failed"})
    assert seen[-1][0] == "valid", body
