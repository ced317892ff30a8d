"""Correcting a visit's photos: add, remove (files go after commit), the same limits as at entry, scoped."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from ledgers.models import Visit, VisitPhoto
from ledgers.services import MAX_VISIT_PHOTOS, visit_record, visit_update
from tests.ledgers.conftest import cadre_of
from tests.ledgers.test_visit_corrections import edit_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def jpeg(name="p.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@pytest.fixture
def photo_visit(world, ledger):
    """A visit the village cadre made, without help items, with two photos."""
    visit = Visit.objects.create(
        cadre=cadre_of(world.village_cadre),
        household=ledger.h_a1,
        visited_on=ledger.today - datetime.timedelta(days=1),
        method=Visit.Method.HOME,
        ledger_book="minqing",
        learned="院墙倒塌",
    )
    VisitPhoto.objects.create(visit=visit, image=jpeg("wall.jpg"))
    VisitPhoto.objects.create(visit=visit, image=SimpleUploadedFile("gate.png", PNG))
    return visit


def edit_url(visit):
    return reverse("ledgers:visit_edit", args=[visit.pk])


def photos_of(visit):
    return list(VisitPhoto.objects.filter(visit=visit).order_by("pk"))


def test_the_edit_page_shows_each_photo_with_a_remove_box(world, photo_visit, client_for):
    page = client_for(world.village_cadre).get(edit_url(photo_visit)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    for photo in photos_of(photo_visit):
        assert f'name="remove_photos" value="{photo.pk}"' in page
        assert photo.image.url in page
    assert "最多 6 张" in page


def test_photos_are_added_on_correction_and_audited(world, photo_visit, client_for):
    data = edit_data(photo_visit, photos=[jpeg("roof.jpg"), SimpleUploadedFile("yard.png", PNG)])
    response = client_for(world.village_cadre).post(edit_url(photo_visit), data)
    assert response.status_code == 302
    photos = photos_of(photo_visit)
    assert len(photos) == 4
    event = AuditEvent.objects.get(action="ledgers.visit_update", object_id=str(photo_visit.pk))
    assert event.detail["changed"]["photos"]["count"] == [2, 4]
    assert event.detail["changed"]["photos"]["removed"] == []
    assert sorted(event.detail["changed"]["photos"]["added"]) == sorted(p.image.name for p in photos[2:])
    assert all(default_storage.exists(p.image.name) for p in photos)


def test_a_removed_photo_loses_its_row_and_its_file_once_committed(
    world, photo_visit, client_for, django_capture_on_commit_callbacks
):
    wall, gate = photos_of(photo_visit)
    assert default_storage.exists(wall.image.name)
    data = edit_data(photo_visit, remove_photos=[str(wall.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.town_staff).post(edit_url(photo_visit), data)
    assert response.status_code == 302
    assert photos_of(photo_visit) == [gate]
    assert not default_storage.exists(wall.image.name)
    assert default_storage.exists(gate.image.name)
    event = AuditEvent.objects.get(action="ledgers.visit_update", object_id=str(photo_visit.pk))
    assert event.detail["changed"]["photos"]["removed"] == [wall.image.name]
    assert event.detail["changed"]["photos"]["count"] == [2, 1]


def test_the_file_stays_until_the_correction_commits(world, photo_visit, django_capture_on_commit_callbacks):
    wall, _gate = photos_of(photo_visit)
    with django_capture_on_commit_callbacks() as callbacks:
        visit_update(
            actor=world.village_cadre,
            visit=photo_visit,
            fields={},
            remove_photo_ids=[wall.pk],
            expected_version=photo_visit.version,
        )
    assert default_storage.exists(wall.image.name)
    assert len(callbacks) == 1
    callbacks[0]()
    assert not default_storage.exists(wall.image.name)


def test_remove_and_add_in_one_correction_up_to_the_cap(world, photo_visit, client_for):
    wall, gate = photos_of(photo_visit)
    new = [jpeg(f"n{i}.jpg") for i in range(MAX_VISIT_PHOTOS - 1)]
    data = edit_data(photo_visit, remove_photos=[str(wall.pk)], photos=new)
    response = client_for(world.village_cadre).post(edit_url(photo_visit), data)
    assert response.status_code == 302
    photos = photos_of(photo_visit)
    assert len(photos) == MAX_VISIT_PHOTOS
    assert wall not in photos
    assert gate in photos


def test_adding_beyond_the_cap_is_refused_in_chinese_and_changes_nothing(world, photo_visit, client_for):
    before = photos_of(photo_visit)
    data = edit_data(photo_visit, learned="改了", photos=[jpeg(f"n{i}.jpg") for i in range(MAX_VISIT_PHOTOS - 1)])
    response = client_for(world.village_cadre).post(edit_url(photo_visit), data)
    assert response.status_code == 200
    assert "每条走访记录最多保留 6 张照片" in response.content.decode()
    assert photos_of(photo_visit) == before
    photo_visit.refresh_from_db()
    assert photo_visit.learned == "院墙倒塌"
    assert not AuditEvent.objects.filter(action="ledgers.visit_update").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ" + b"\x00" * 10, "只能是 JPG、PNG 或 WebP"),
        ("a.png", b"not really a png", "内容与格式不符"),
        # Cut off while streaming (core.uploads), before the form's own size check.
        ("big.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), "照片过大（上限为 5 MB），已停止上传"),
    ],
)
def test_added_photos_have_the_entry_limits(world, photo_visit, client_for, name, content, message):
    data = edit_data(photo_visit, photos=[SimpleUploadedFile(name, content)])
    response = client_for(world.village_cadre).post(edit_url(photo_visit), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photos"])
    assert len(photos_of(photo_visit)) == 2


def test_a_photo_of_another_visit_cannot_be_removed(world, ledger, photo_visit, client_for):
    other = VisitPhoto.objects.create(visit=ledger.visit, image=jpeg("other.jpg"))
    data = edit_data(photo_visit, remove_photos=[str(other.pk)])
    response = client_for(world.town_staff).post(edit_url(photo_visit), data)
    assert response.status_code == 200
    assert "不属于这条走访记录" in response.content.decode()
    assert VisitPhoto.objects.filter(pk=other.pk).exists()
    with pytest.raises(ValidationError, match="不属于这条走访记录"):
        visit_update(actor=world.town_staff, visit=photo_visit, fields={}, remove_photo_ids=[other.pk])
    assert VisitPhoto.objects.filter(pk=other.pk).exists()


def test_another_units_staff_get_404_and_the_photos_stay(world, photo_visit, client_for):
    wall, _gate = photos_of(photo_visit)
    client = client_for(world.sibling_town_staff)
    assert client.get(edit_url(photo_visit)).status_code == 404
    data = edit_data(photo_visit, remove_photos=[str(wall.pk)], photos=[jpeg()])
    assert client.post(edit_url(photo_visit), data).status_code == 404
    assert len(photos_of(photo_visit)) == 2
    assert default_storage.exists(wall.image.name)


def test_entry_keeps_the_same_total_cap(world, ledger):
    with pytest.raises(ValidationError, match="最多保留 6 张照片"):
        visit_record(
            actor=world.town_staff,
            cadre=cadre_of(world.town_staff),
            household=ledger.h_a1,
            visited_on=ledger.today,
            method=Visit.Method.HOME,
            ledger_book="minqing",
            learned="照片太多",
            photos=[jpeg(f"p{i}.jpg") for i in range(MAX_VISIT_PHOTOS + 1)],
        )
    assert not Visit.objects.filter(learned="照片太多").exists()
