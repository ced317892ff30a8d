"""Oversized uploads are cut off while streaming; the CSRF check still runs on the upload view."""

import os
import re

import pytest
from django.conf import global_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from outreach.models import ImportJob
from tests.outreach.helpers import household_row, xlsx_bytes

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024
# Bytes of each uploaded file that reached the handlers after the size limit (Django's storage).
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
def csrf_client(world, settings):
    settings.OUTREACH_IMPORT_MAX_BYTES = LIMIT
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingHandler", *global_settings.FILE_UPLOAD_HANDLERS]
    RECEIVED.clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.town_staff)
    return client


def _token(client) -> str:
    page = client.get(reverse("outreach:import_upload")).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _post(client, data: bytes, token: str | None):
    payload = {"kind": "households", "file": SimpleUploadedFile("大文件.xlsx", data)}
    if token is not None:
        payload = {"csrfmiddlewaretoken": token, **payload}
    return client.post(reverse("outreach:import_upload"), payload)


@pytest.mark.parametrize("size", [LIMIT + 40_000, 3 * 1024 * 1024], ids=["a-little-over", "far-over"])
def test_an_oversized_upload_is_stopped_while_streaming_with_a_chinese_message(csrf_client, size):
    response = _post(csrf_client, os.urandom(size), _token(csrf_client))

    assert response.status_code == 200
    assert "文件过大（上限为 64 KB），已停止上传。" in response.content.decode()
    assert ImportJob.objects.count() == 0
    # Nothing past the limit was handed on to be kept in memory or on disk.
    assert len(RECEIVED) == 1
    assert RECEIVED[0] <= LIMIT


def test_a_file_within_the_limit_still_uploads_with_the_csrf_token(world, csrf_client):
    data = xlsx_bytes([household_row("CA1V1", "0001")])
    assert len(data) < LIMIT

    response = _post(csrf_client, data, _token(csrf_client))

    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportJob.Status.VALID
    assert [len(data)] == RECEIVED


def test_the_upload_view_still_refuses_a_post_without_the_csrf_token(csrf_client):
    response = _post(csrf_client, xlsx_bytes([household_row("CA1V1", "0001")]), token=None)

    assert response.status_code == 403
    assert ImportJob.objects.count() == 0
