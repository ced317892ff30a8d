"""A 60 MB evidence "photo" is cut off while it streams in, as a visit photo is (core.uploads)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledgers.validators import MAX_PHOTO_BYTES
from pledges.models import PledgeProgress
from tests.ledgers.test_photo_upload_cap import (
    CHUNK,
    JPEG_HEAD,
    _csrf_client,
    recording,  # noqa: F401 - the fixture that counts received bytes
)
from tests.pledges.helpers import make_pledge

pytestmark = pytest.mark.django_db


def test_a_pledge_progress_photo_is_stopped_while_streaming(world, recording):  # noqa: F811 - the imported fixture
    pledge = make_pledge(world, world.village_a1)
    url = reverse("pledges:pledge_progress", kwargs={"pk": pledge.pk})
    client, token = _csrf_client(world.village_cadre, url)
    huge = SimpleUploadedFile("site.jpg", JPEG_HEAD + bytes(MAX_PHOTO_BYTES + 3 * CHUNK))

    response = client.post(
        url, {"csrfmiddlewaretoken": token, "reported_on": "2026-06-01", "percent": "60", "note": "x", "photo": huge}
    )

    assert response.status_code == 200
    assert "照片过大（上限为 5 MB）" in response.content.decode()
    assert sum(recording) <= MAX_PHOTO_BYTES + CHUNK
    assert not PledgeProgress.objects.filter(pledge=pledge).exists()
