"""Import workbooks (full ID and mobile numbers) do not outlive their use: deleted once imported,
discarded, or left unconfirmed past OUTREACH_IMPORT_KEEP_DAYS."""

import datetime
import os

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from outreach.models import Household, ImportJob
from outreach.tasks import delete_abandoned_imports
from tests.outreach.helpers import household_row, job_by, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(client):
    data = xlsx_bytes([household_row("CA1V1", "0001", head="新户主")])
    client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("名册.xlsx", data)}
    )
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == ImportJob.Status.VALID, job.errors
    return job


def _names(job):
    return [f.name for f in (job.file, job.plan) if f]


def _age(job, days):
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_confirming_an_import_deletes_its_workbook_and_plan(world, staff_client, django_capture_on_commit_callbacks):
    job = _upload(staff_client)
    names = _names(job)
    assert len(names) == 2
    assert all(default_storage.exists(n) for n in names)
    url = job.file.url
    assert staff_client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Household.objects.get(number="0001").head_name == "新户主"
    assert (job.file.name, job.plan.name) == ("", "")
    assert not any(default_storage.exists(n) for n in names)
    assert staff_client.get(url).status_code == 404
    # The page of an imported job still shows what was imported.
    assert staff_client.get(job.get_absolute_url()).status_code == 200


def test_an_import_that_rolls_back_keeps_its_files(
    world, staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    job = _upload(staff_client)
    names = _names(job)

    def broken(self, result):
        raise RuntimeError("disk full")

    monkeypatch.setattr("outreach.importing.HouseholdImporter.apply", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert all(default_storage.exists(n) for n in names)


def test_discarding_deletes_the_files_and_their_address_answers_404(
    world, staff_client, django_capture_on_commit_callbacks
):
    job = _upload(staff_client)
    names, urls = _names(job), [job.file.url, job.plan.url]

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("outreach:import_discard", args=[job.pk]))

    assert not any(default_storage.exists(n) for n in names)
    assert [staff_client.get(u).status_code for u in urls] == [404, 404]


def test_the_daily_sweep_deletes_abandoned_workbooks_once_and_audits_it(
    world, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_IMPORT_KEEP_DAYS = 7
    abandoned = {
        status: job_by(world.town_staff, world.town_a1, status=status)
        for status in (ImportJob.Status.VALID, ImportJob.Status.INVALID, ImportJob.Status.FAILED)
    }
    for job in abandoned.values():
        job.plan.save("plan.json.gz", ContentFile(b"x"), save=True)
        _age(job, 8)
    recent = job_by(world.town_staff, world.town_a1, status=ImportJob.Status.VALID)
    _age(recent, 6)
    running = job_by(world.town_staff, world.town_a1, status=ImportJob.Status.CHECKING)
    _age(running, 30)
    # Imported before workbooks were deleted at import: the row stays, its files go.
    imported = job_by(world.town_staff, world.town_a1, status=ImportJob.Status.DONE)
    # A file no job names (its upload rolled back), old enough to go, and a fresh one.
    orphan = default_storage.save("imports/2026/01/households.xlsx", ContentFile(b"PK"))
    old = (timezone.now() - datetime.timedelta(days=8)).timestamp()
    os.utime(default_storage.path(orphan), (old, old))
    fresh_orphan = default_storage.save("imports/fresh.xlsx", ContentFile(b"PK"))
    gone = [n for job in (*abandoned.values(), imported) for n in _names(job)] + [orphan]
    kept = [n for job in (recent, running) for n in _names(job)] + [fresh_orphan]

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_abandoned_imports.apply().result == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_abandoned_imports.apply().result == 0  # idempotent: nothing left to do

    assert not any(default_storage.exists(n) for n in gone)
    assert all(default_storage.exists(n) for n in kept)
    assert not ImportJob.objects.filter(pk__in=[j.pk for j in abandoned.values()]).exists()
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {recent.pk, running.pk, imported.pk}
    imported.refresh_from_db()
    assert (imported.file.name, imported.plan.name) == ("", "")
    events = AuditEvent.objects.filter(action="outreach.import_expire")
    assert events.count() == 4
    assert {e.detail["job"] for e in events} == {*(j.pk for j in abandoned.values()), imported.pk}
    assert all(e.unit == world.town_a1 and e.actor_repr == "system" for e in events)


def test_the_keeping_age_is_a_setting(world, settings, django_capture_on_commit_callbacks):
    job = job_by(world.town_staff, world.town_a1, status=ImportJob.Status.VALID)
    _age(job, 3)
    settings.OUTREACH_IMPORT_KEEP_DAYS = 7
    with django_capture_on_commit_callbacks(execute=True):
        delete_abandoned_imports.apply()
    assert ImportJob.objects.filter(pk=job.pk).exists()

    settings.OUTREACH_IMPORT_KEEP_DAYS = 2
    with django_capture_on_commit_callbacks(execute=True):
        delete_abandoned_imports.apply()
    assert not ImportJob.objects.filter(pk=job.pk).exists()


def test_the_sweep_runs_daily_from_the_one_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["imports-delete-abandoned"]
    assert entry["task"] == delete_abandoned_imports.name
    assert entry["schedule"].hour == {2}
    assert django_settings.OUTREACH_IMPORT_KEEP_DAYS == 7
