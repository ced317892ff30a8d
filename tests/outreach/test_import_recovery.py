"""A job left "checking" or "importing" by a run that died is taken over; a live run is not."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from core.models import AuditEvent
from outreach.models import Household, ImportJob
from outreach.services import (
    import_job_apply,
    import_job_check,
    import_job_create,
    import_job_in_progress,
    import_jobs_to_requeue,
)
from tests.outreach.helpers import household_row, xlsx_bytes


def _job(world, n=3):
    rows = [household_row("CA1V1", f"{i:04d}") for i in range(1, n + 1)]
    return import_job_create(actor=world.town_staff, kind="households", data=xlsx_bytes(rows), name="a.xlsx")


def _left(job, status, minutes_ago):
    """The job as a run that died ``minutes_ago`` left it."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, updated_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )


@pytest.mark.django_db
def test_a_check_that_died_is_taken_over_once_stale(world, settings):
    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    job = _job(world)
    _left(job, ImportJob.Status.CHECKING, minutes_ago=1)
    assert import_job_check(job_id=job.pk) is None  # maybe still alive: not yet
    assert import_job_in_progress(job_id=job.pk)  # so the task comes back later
    _left(job, ImportJob.Status.CHECKING, minutes_ago=11)
    assert import_job_check(job_id=job.pk) is not None
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    assert (job.processed_rows, job.total_rows) == (3, 3)
    assert not import_job_in_progress(job_id=job.pk)


@pytest.mark.django_db
def test_a_write_that_died_is_taken_over_and_imports_once(world, settings):
    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    job = _job(world)
    import_job_check(job_id=job.pk)
    # The worker died inside the write transaction: nothing was committed, the job says importing.
    _left(job, ImportJob.Status.IMPORTING, minutes_ago=1)
    assert import_job_apply(job_id=job.pk) is None
    assert Household.objects.count() == 0
    _left(job, ImportJob.Status.IMPORTING, minutes_ago=11)
    import_job_apply(job_id=job.pk)
    assert import_job_apply(job_id=job.pk) is None  # done: a late duplicate finds nothing
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.summary["created"] == 3
    assert Household.objects.count() == 3
    assert AuditEvent.objects.filter(action="outreach.import_households").count() == 1


@pytest.mark.django_db
def test_done_is_saved_with_the_rows_so_a_failed_write_leaves_neither(world, monkeypatch):
    job = _job(world)
    import_job_check(job_id=job.pk)
    from outreach import services

    finish = services._finish

    def lost_before_done(job, status, **kwargs):  # the worker is lost as it marks the job done
        if status == ImportJob.Status.DONE:
            raise RuntimeError("connection lost")
        return finish(job, status, **kwargs)

    monkeypatch.setattr(services, "_finish", lost_before_done)
    with pytest.raises(RuntimeError):
        import_job_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert Household.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_live_write_holding_the_job_row_is_never_taken_over(world, settings):
    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    job = _job(world)
    import_job_check(job_id=job.pk)
    _left(job, ImportJob.Status.IMPORTING, minutes_ago=30)  # a long write: no heartbeat in its transaction
    locked, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                ImportJob.objects.select_for_update().filter(pk=job.pk).exists()
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert locked.wait(10)
        assert import_job_apply(job_id=job.pk) is None
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.IMPORTING
    finally:
        release.set()
        thread.join()
    assert Household.objects.count() == 0
    import_job_apply(job_id=job.pk)  # the writer is gone (its transaction ended without rows)
    assert Household.objects.count() == 3


@pytest.mark.django_db
def test_a_worker_that_cannot_open_the_file_fails_the_job_instead_of_leaving_it_running(world):
    job = _job(world)
    job.file.storage.delete(job.file.name)  # e.g. the worker does not share MEDIA_ROOT with the web
    with pytest.raises(FileNotFoundError):
        import_job_check(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "检查时发生内部错误，请联系管理员。"
    assert not import_job_in_progress(job_id=job.pk)


@pytest.mark.django_db
def test_a_second_click_on_confirm_shows_the_import_without_an_error(world, client_for):
    from django.urls import reverse

    job = _job(world)
    import_job_check(job_id=job.pk)
    client = client_for(world.town_staff)
    url = reverse("outreach:import_confirm", args=[job.pk])
    client.post(url)
    body = client.post(url, follow=True).content.decode()
    assert "导入完成：新增 3 条" in body
    assert "只有检查通过的文件才能导入" not in body
    assert Household.objects.count() == 3
    assert AuditEvent.objects.filter(action="outreach.import_households").count() == 1


@pytest.mark.django_db
def test_the_beat_sweep_resends_only_the_tasks_that_seem_lost(world, settings, monkeypatch):
    from django.conf import settings as django_settings

    from outreach import tasks

    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    assert "outreach.requeue_stale_imports" in {e["task"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
    lost_pending, lost_checking, lost_writing = _job(world), _job(world), _job(world)
    fresh_pending, live_checking, waiting = _job(world), _job(world), _job(world)
    _left(lost_pending, ImportJob.Status.PENDING, minutes_ago=30)
    _left(lost_checking, ImportJob.Status.CHECKING, minutes_ago=11)
    _left(lost_writing, ImportJob.Status.IMPORTING, minutes_ago=11)
    _left(fresh_pending, ImportJob.Status.PENDING, minutes_ago=1)
    _left(live_checking, ImportJob.Status.CHECKING, minutes_ago=1)
    _left(waiting, ImportJob.Status.VALID, minutes_ago=60)  # the user has not confirmed: not ours to write
    sent = []
    monkeypatch.setattr(tasks.import_job_check_task, "delay", lambda job_id: sent.append(("check", job_id)))
    monkeypatch.setattr(tasks.import_job_apply_task, "delay", lambda job_id: sent.append(("write", job_id)))

    assert tasks.requeue_stale_imports() == 3
    assert sorted(sent) == sorted([("check", lost_pending.pk), ("check", lost_checking.pk), ("write", lost_writing.pk)])


@pytest.mark.django_db
def test_a_resent_check_finishes_the_lost_job(world, settings):
    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    job = _job(world)
    _left(job, ImportJob.Status.PENDING, minutes_ago=30)
    to_check, _to_write = import_jobs_to_requeue()
    assert to_check == [job.pk]
    import_job_check(job_id=to_check[0])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID


class WorkerDied(BaseException):
    """The process running the task vanished (killed, out of memory): no except clause runs."""


def _quiet_for(job, minutes):
    """No sign of life from the job's run for ``minutes`` (its status and attempts unchanged)."""
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_a_check_whose_worker_dies_on_every_run_ends_failed_with_the_reason_and_a_discard_button(
    world, settings, monkeypatch, client_for
):
    from django.urls import reverse

    from outreach import services, tasks
    from tests.outreach.helpers import household_row, xlsx_bytes

    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    settings.OUTREACH_IMPORT_INLINE_MAX_BYTES = 0
    client = client_for(world.town_staff)
    client.post(
        reverse("outreach:import_upload"),
        {"kind": "households", "file": SimpleUploadedFile("名册.xlsx", xlsx_bytes([household_row("CA1V1", "0001")]))},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING

    def dies(data):
        raise WorkerDied

    monkeypatch.setattr(services, "read_first_sheet", dies)
    with pytest.raises(WorkerDied):
        tasks.import_job_check_task.apply(args=[job.pk])
    _quiet_for(job, 11)  # the message comes back (acks_late) once the run is stale; it dies again
    with pytest.raises(WorkerDied):
        tasks.import_job_check_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING

    _quiet_for(job, 11)
    page = client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert "正在检查" in page
    assert 'data-testid="import-stalled"' in page  # not a bar that silently stops moving
    tasks.import_job_check_task.apply(args=[job.pk])  # the third run does not read the file again

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith("检查时处理进程已 2 次意外中断")
    assert not import_job_in_progress(job_id=job.pk)  # so no task retries it
    page = client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert "失败" in page
    assert "检查时处理进程已 2 次意外中断" in page
    assert 'data-testid="import-discard"' in page
    assert "every 1s" not in page  # the page stops polling
    assert 'data-testid="import-stalled"' not in page
    client.post(reverse("outreach:import_discard", args=[job.pk]))
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_beat_sweep_fails_a_job_whose_runs_died_instead_of_resending_it(world, settings, monkeypatch):
    from outreach import tasks

    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    dead, alive, retried_once = _job(world), _job(world), _job(world)
    ImportJob.objects.filter(pk=dead.pk).update(status=ImportJob.Status.CHECKING, attempts=2)
    ImportJob.objects.filter(pk=alive.pk).update(status=ImportJob.Status.IMPORTING, attempts=2)
    ImportJob.objects.filter(pk=retried_once.pk).update(status=ImportJob.Status.CHECKING, attempts=1)
    _quiet_for(dead, 30)
    _quiet_for(alive, 1)
    _quiet_for(retried_once, 30)
    sent = []
    monkeypatch.setattr(tasks.import_job_check_task, "delay", lambda job_id: sent.append(("check", job_id)))
    monkeypatch.setattr(tasks.import_job_apply_task, "delay", lambda job_id: sent.append(("write", job_id)))

    assert tasks.requeue_stale_imports() == 1

    assert sent == [("check", retried_once.pk)]
    assert ImportJob.objects.get(pk=dead.pk).status == ImportJob.Status.FAILED
    assert ImportJob.objects.get(pk=alive.pk).status == ImportJob.Status.IMPORTING  # maybe still writing


@pytest.mark.django_db
def test_a_write_whose_worker_dies_on_every_run_ends_failed_with_nothing_written(world, settings, monkeypatch):
    from outreach import services, tasks

    settings.OUTREACH_IMPORT_STALE_SECONDS = 600
    job = _job(world)
    import_job_check(job_id=job.pk)

    def dies(*args, **kwargs):
        raise WorkerDied

    monkeypatch.setattr(services, "_write", dies)
    for _run in range(2):
        with pytest.raises(WorkerDied):
            tasks.import_job_apply_task.apply(args=[job.pk])
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.IMPORTING
        _quiet_for(job, 11)
    tasks.import_job_apply_task.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith("导入时处理进程已 2 次意外中断")
    assert "没有写入任何数据" in job.message
    assert Household.objects.count() == 0
