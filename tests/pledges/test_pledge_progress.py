"""Progress updates and the derived, stored status (deadlines are dates in Asia/Shanghai)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from pledges.models import Pledge, PledgeProgress
from pledges.services import (
    PledgeError,
    derive_status,
    pledge_amend,
    pledge_refresh_statuses,
    pledge_report_progress,
)
from pledges.validators import MAX_EVIDENCE_BYTES
from tests.pledges.helpers import make_pledge

SH = ZoneInfo("Asia/Shanghai")
St = Pledge.Status
D = datetime.date
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SH), tick=False)


def test_derive_status_rules():
    deadline = D(2026, 6, 30)
    assert derive_status(percent=0, completed_on=None, deadline=deadline, today=D(2026, 6, 30)) == St.NOT_STARTED
    assert derive_status(percent=10, completed_on=None, deadline=deadline, today=D(2026, 6, 30)) == St.IN_PROGRESS
    assert derive_status(percent=10, completed_on=None, deadline=deadline, today=D(2026, 7, 1)) == St.OVERDUE
    assert derive_status(percent=0, completed_on=None, deadline=deadline, today=D(2026, 7, 1)) == St.OVERDUE
    assert derive_status(percent=100, completed_on=D(2026, 7, 5), deadline=deadline, today=D(2026, 8, 1)) == (
        St.COMPLETED
    )


def test_the_deadline_day_ends_at_midnight_in_shanghai_not_utc(world):
    with at(2026, 6, 20, 9, 0):
        pledge = make_pledge(world, world.village_a1, progress=[(D(2026, 6, 20), 30, "已开工")])
    assert pledge.status == St.IN_PROGRESS
    # 23:59:59 on the deadline day in Shanghai: still in time.
    with at(2026, 6, 30, 23, 59, 59):
        assert pledge_refresh_statuses() == 0
        pledge.refresh_from_db()
        assert pledge.status == St.IN_PROGRESS
    # 00:00 on 1 July in Shanghai is still 30 June in UTC: a UTC date would miss it.
    with at(2026, 7, 1, 0, 0, 0):
        assert pledge_refresh_statuses() == 1
        pledge.refresh_from_db()
        assert pledge.status == St.OVERDUE
        assert pledge_refresh_statuses() == 0  # idempotent
    assert AuditEvent.objects.filter(action="ledgers.pledge_status_refresh", object_id=str(pledge.pk)).count() == 1


def test_approval_after_the_deadline_starts_overdue(world):
    with at(2026, 7, 2, 10, 0):
        pledge = make_pledge(world, world.village_a1, "approved")
    assert pledge.status == St.OVERDUE


def test_a_later_deadline_by_amendment_lifts_overdue(world):
    with at(2026, 6, 10, 9, 0):
        pledge = make_pledge(world, world.village_a1, progress=[(D(2026, 6, 10), 20, "已开工")])
    with at(2026, 7, 3, 9, 0):
        pledge_refresh_statuses()
        pledge.refresh_from_db()
        assert pledge.status == St.OVERDUE
        pledge_amend(pledge=pledge, user=world.county_leader, field="deadline", new_value=D(2026, 9, 30), reason="延期")
        pledge.refresh_from_db()
        assert pledge.status == St.IN_PROGRESS


def test_reporting_100_percent_completes_with_date_and_evidence(world):
    with at(2026, 6, 28, 9, 0):
        pledge = make_pledge(world, world.village_a1)
        pledge_report_progress(
            pledge=pledge,
            user=world.village_cadre,
            reported_on=D(2026, 6, 28),
            percent=100,
            note="活动室已开放",
            photo=SimpleUploadedFile("done.jpg", JPEG, content_type="image/jpeg"),
        )
    pledge.refresh_from_db()
    assert pledge.status == St.COMPLETED
    assert pledge.completed_on == D(2026, 6, 28)
    assert pledge.completion_note == "活动室已开放"
    assert PledgeProgress.objects.get(pledge=pledge).photo.name.endswith(".jpg")
    assert AuditEvent.objects.filter(action="ledgers.pledge_complete", object_id=str(pledge.pk)).exists()
    # A completed pledge stays completed after its deadline.
    with at(2026, 8, 1, 9, 0):
        pledge_refresh_statuses()
    pledge.refresh_from_db()
    assert pledge.status == St.COMPLETED


def test_completion_after_the_deadline_is_completed_not_overdue(world):
    with at(2026, 7, 10, 9, 0):
        pledge = make_pledge(world, world.village_a1, progress=[(D(2026, 7, 10), 100, "补办完成")])
    assert pledge.status == St.COMPLETED


def test_first_progress_moves_not_started_to_in_progress(world):
    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a1)
        assert pledge.status == St.NOT_STARTED
        pledge_report_progress(pledge=pledge, user=world.town_staff, reported_on=D(2026, 6, 1), percent=5, note="启动")
    pledge.refresh_from_db()
    assert (pledge.status, pledge.percent, pledge.last_progress_on) == (St.IN_PROGRESS, 5, D(2026, 6, 1))


def test_a_zero_percent_update_explains_and_keeps_not_started(world):
    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a1, progress=[(D(2026, 6, 1), 0, "场地未落实")])
    assert pledge.status == St.NOT_STARTED


@pytest.mark.parametrize(
    ("reported_on", "percent", "note", "message"),
    [
        (D(2026, 6, 2), 50, "x", "不能晚于今天"),
        (D(2026, 5, 1), 50, "x", "不能早于上一次进展"),
        (D(2026, 6, 1), 10, "x", "不能低于上一次"),
        (D(2026, 6, 1), 101, "x", "0 到 100"),
        (D(2026, 6, 1), 50, "  ", "请填写进展情况"),
    ],
)
def test_bad_progress_is_refused(world, reported_on, percent, note, message):
    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a1, progress=[(D(2026, 5, 20), 20, "开始")])
        with pytest.raises(PledgeError, match=message):
            pledge_report_progress(
                pledge=pledge, user=world.town_staff, reported_on=reported_on, percent=percent, note=note
            )
    assert PledgeProgress.objects.filter(pledge=pledge).count() == 1


def test_no_progress_on_a_pledge_before_approval_or_after_completion(world):
    with at(2026, 6, 1, 9, 0):
        draft = make_pledge(world, world.village_a1, "submitted")
        with pytest.raises(PledgeError, match="审批后才能填报"):
            pledge_report_progress(pledge=draft, user=world.town_staff, reported_on=D(2026, 6, 1), percent=10, note="x")
        done = make_pledge(world, world.village_a1, progress=[(D(2026, 6, 1), 100, "完成")])
        with pytest.raises(PledgeError, match="已完成"):
            pledge_report_progress(pledge=done, user=world.town_staff, reported_on=D(2026, 6, 1), percent=100, note="y")


def test_progress_outside_the_subtree_or_without_permission_is_refused(world):
    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a2)
        for user in (world.town_staff, world.auditor):
            with pytest.raises(PledgeError, match="没有填报"):
                pledge_report_progress(pledge=pledge, user=user, reported_on=D(2026, 6, 1), percent=10, note="x")


def test_a_double_submitted_update_is_recorded_once(world):
    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a1)
        first = pledge_report_progress(
            pledge=pledge, user=world.town_staff, reported_on=D(2026, 6, 1), percent=10, note="a"
        )
        again = pledge_report_progress(
            pledge=pledge, user=world.town_staff, reported_on=D(2026, 6, 1), percent=10, note="a"
        )
    assert first.pk == again.pk
    assert PledgeProgress.objects.filter(pledge=pledge).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.jpg", b"<script>alert(1)</script>", "须为 JPG、PNG 或 WebP"),
        ("doc.pdf", b"%PDF-1.4", "扩展"),
        ("big.png", PNG + b"\x00" * MAX_EVIDENCE_BYTES, "5 MB"),
    ],
)
def test_evidence_photos_are_limited_by_type_and_size(world, name, content, message):
    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a1)
        with pytest.raises(PledgeError, match=message):
            pledge_report_progress(
                pledge=pledge,
                user=world.town_staff,
                reported_on=D(2026, 6, 1),
                percent=10,
                note="x",
                photo=SimpleUploadedFile(name, content),
            )
    assert not PledgeProgress.objects.exists()


def test_the_database_refuses_an_inconsistent_completed_status(world):
    pledge = make_pledge(world, world.village_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(status=St.COMPLETED)


def test_the_database_refuses_progress_on_a_draft(world):
    pledge = make_pledge(world, world.village_a1, "draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(percent=30, status=St.IN_PROGRESS)


def test_the_celery_task_runs_the_sweep(world):
    from pledges.tasks import refresh_pledge_statuses

    with at(2026, 6, 1, 9, 0):
        pledge = make_pledge(world, world.village_a1)
    with at(2026, 7, 5, 9, 0):
        assert refresh_pledge_statuses.apply().get() == 1
        assert refresh_pledge_statuses.apply().get() == 0
    pledge.refresh_from_db()
    assert pledge.status == St.OVERDUE
