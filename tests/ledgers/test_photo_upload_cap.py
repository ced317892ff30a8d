"""A 60 MB "photo" is cut off while it streams in, as an oversized import is (core.uploads):
the server keeps at most the limit plus one chunk, saves nothing and says why in Chinese."""

import re

import pytest
from django.conf import global_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from ledgers.models import Visit, VisitPhoto
from ledgers.validators import MAX_PHOTO_BYTES
from tests.campaigns.plans import assignment_for
from tests.ledgers.test_visits import entry_data

pytestmark = pytest.mark.django_db

CHUNK = 64 * 1024  # Django's upload chunk
JPEG_HEAD = b"\xff\xd8\xff\xe0"
# Bytes of each uploaded file that reached Django's own handlers (the temporary file on disk).
RECEIVED: list[int] = []


class RecordingHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        RECEIVED.append(0)

    def receive_data_chunk(self, raw_data, start):
        RECEIVED[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def recording(settings):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingHandler", *global_settings.FILE_UPLOAD_HANDLERS]
    RECEIVED.clear()
    return RECEIVED


def _csrf_client(user, page_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(page_url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client, token


def test_a_60_mb_visit_photo_is_stopped_while_streaming(world, ledger, recording):
    url = reverse("ledgers:visit_entry")
    client, token = _csrf_client(world.town_staff, url)
    huge = SimpleUploadedFile("现场.jpg", JPEG_HEAD + bytes(60 * 1024 * 1024), content_type="image/jpeg")

    response = client.post(url, {"csrfmiddlewaretoken": token, **entry_data(ledger, world, photos=huge)})

    assert response.status_code == 200
    assert "照片过大（上限为 5 MB），已停止上传。请缩小照片后重新选择。" in response.content.decode()
    assert sum(recording) <= MAX_PHOTO_BYTES + CHUNK
    assert not Visit.objects.filter(needs="希望解决就业").exists()
    assert not VisitPhoto.objects.exists()
    # The photo is the form's last field: what was typed before it comes back.
    page = response.content.decode()
    assert "家中老人身体尚可" in page
    assert "特困救助金" in page
    assert "ManagementForm" not in page


def test_a_photo_added_on_correction_is_stopped_too(world, ledger, recording):
    from tests.ledgers.test_visit_corrections import edit_data

    visit = ledger.visit
    url = reverse("ledgers:visit_edit", args=[visit.pk])
    client, token = _csrf_client(world.town_staff, url)
    huge = SimpleUploadedFile("现场.jpg", JPEG_HEAD + bytes(MAX_PHOTO_BYTES + 3 * CHUNK))

    response = client.post(url, {"csrfmiddlewaretoken": token, **edit_data(visit, photos=[huge])})

    assert response.status_code == 200
    assert "照片过大" in " ".join(response.context["form"].errors["photos"])
    assert sum(recording) <= MAX_PHOTO_BYTES + CHUNK
    assert not VisitPhoto.objects.filter(visit=visit).exists()
    assert not response.context["helps"].non_form_errors()


def test_step_evidence_is_stopped_while_streaming(world, recording):
    from campaigns.validation import EVIDENCE_MAX_BYTES

    row = assignment_for(world.county_a, world.town_a1)
    url = reverse("campaigns:assignment_complete", kwargs={"pk": row.pk})
    client, token = _csrf_client(world.town_staff, url)
    huge = SimpleUploadedFile("扫描件.pdf", b"%PDF" + bytes(EVIDENCE_MAX_BYTES + 3 * CHUNK))

    response = client.post(
        url, {"csrfmiddlewaretoken": token, "completed_on": row.milestone.campaign.start_date, "evidence": huge}
    )

    assert response.status_code == 200
    assert "文件过大（上限为 10 MB），已停止上传。" in response.content.decode()
    assert sum(recording) <= EVIDENCE_MAX_BYTES + CHUNK
    row.refresh_from_db()
    assert row.completed_on is None


def test_a_photo_without_the_csrf_token_is_still_refused(world, ledger):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.town_staff)
    photo = SimpleUploadedFile("a.jpg", JPEG_HEAD + b"\x00" * 64)
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world, photos=photo))
    assert response.status_code == 403
    assert not Visit.objects.filter(needs="希望解决就业").exists()
