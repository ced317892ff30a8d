"""A job left "checking" or "importing" by a run that died is taken over; a live run is not."""

import datetime
import threading

import pytest
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
    assert "outreach.tasks.requeue_stale_imports" in {e["task"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
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
