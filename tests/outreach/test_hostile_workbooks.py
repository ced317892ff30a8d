"""Hostile workbooks (tests/outreach/hostile.py) are refused with a clear message, in bounded
memory, whether the upload request reads them or the worker does; the process lives on.

Each upload runs in a forked child whose address space may grow by at most 1 GiB
(``hostile.in_limited_child``, ``resource.setrlimit(RLIMIT_AS)``): the reader must stay within
it. On 48d789b the far cell made python-calamine ask for 512 GiB and abort the process (the
child dies with SIGABRT here, as ``make run`` did), and the other files were read or
half-read without the refusal.
"""

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from outreach.models import ImportJob
from tests.outreach.hostile import HOSTILE, in_limited_child

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def files():
    return {name: build() for name, (build, _message) in HOSTILE.items()}


def _upload_and_read(user, data: bytes, *, by_worker: bool) -> dict:
    """What the user sees after uploading ``data``: through the page, then (by_worker) the
    Celery task run as the worker runs it; then the job's page."""
    from outreach.tasks import import_job_check_task

    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("名册.xlsx", data)}
    )
    job = ImportJob.objects.order_by("-pk").first()
    seen = {"upload_status": response.status_code, "job": None, "after_upload": None}
    if job is None:
        seen["page"] = response.content.decode()
        return seen
    seen["after_upload"] = job.status
    if by_worker:
        import_job_check_task.apply(args=[job.pk])
    job.refresh_from_db()
    seen["job"] = (job.status, job.message)
    seen["page"] = client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    return seen


@pytest.mark.parametrize("by_worker", [False, True], ids=["read-in-the-request", "read-by-the-worker"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_workbook_is_refused_in_bounded_memory_and_the_process_survives(
    world, settings, files, name, by_worker
):
    # Small files are read in the upload request, large ones by the worker: force each path.
    settings.OUTREACH_IMPORT_INLINE_MAX_BYTES = 0 if by_worker else 64 * 1024 * 1024
    data = files[name]
    assert len(data) < 2 * 1024 * 1024  # all pass the upload's size limit
    message = HOSTILE[name][1]

    ended, outcome = in_limited_child(lambda: _upload_and_read(world.town_staff, data, by_worker=by_worker))

    assert ended == ("exit", 0), (
        f"the process died ({ended}, {signal.Signals(ended[1]).name if ended[0] == 'signal' else ''}): {outcome}"
    )
    kind, seen = outcome
    assert kind == "ok", seen
    assert seen["upload_status"] in (200, 302)
    if seen["job"] is None:
        # Refused at the upload already (the zip's directory or the sheet list): nothing stored.
        assert message is not None
        assert message in seen["page"]
        return
    status, job_message = seen["job"]
    if by_worker:
        assert seen["after_upload"] == ImportJob.Status.PENDING  # the request did not read it
    if message is None:
        # Nothing hostile left once the declared dimension is ignored: a normal preview.
        assert status == ImportJob.Status.VALID, job_message
        assert "全部 1 行检查通过" in seen["page"]
        return
    assert status == ImportJob.Status.FAILED
    assert message in job_message
    page = seen["page"]
    assert "失败" in page
    assert message in page
    assert 'data-testid="import-discard"' in page
