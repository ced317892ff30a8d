"""Stored files are private: random names, served only through core:file (login, scope,
permission), audited when they hold personal data, never from MEDIA_URL."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import FileField
from django.urls import clear_url_caches, reverse

from core.files import PrivateFileField, RandomName, file_kinds, kind_of
from core.models import AuditEvent
from tests.campaigns.plans import PDF_BYTES
from tests.core.stored_files import KINDS, PLAN, PNG, XLSX, stored_files

PRIVATE = "private, no-store"


def _url(kind, obj):
    return reverse("core:file", kwargs={"kind": kind, "pk": obj.pk})


@pytest.fixture
def files(world):
    return stored_files(world)


@pytest.fixture
def nginx(settings):
    """The production backend: Django answers with X-Accel-Redirect and no body."""
    from django_sendfile.utils import _get_sendfile

    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/protected-media"
    _get_sendfile.cache_clear()
    yield
    _get_sendfile.cache_clear()


@pytest.fixture
def debug_urls(settings):
    """The URLs as `make run` builds them (DEBUG on), where /media/ used to be served."""
    import config.urls

    # Files on disk, as under `make run`.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_and_sibling_township_users_get_404_for_every_kind(world, files, client_for, kind):
    url = _url(kind, files[kind])
    # town_staff keeps township A1; every file here belongs to its sibling, township A2.
    for user in (None, world.town_staff, world.village_cadre):
        response = client_for(user).get(url)
        assert response.status_code == 404, (kind, user)
        assert not response.has_header("X-Accel-Redirect")


@pytest.mark.parametrize("kind", KINDS)
def test_the_old_media_addresses_answer_404_even_in_debug(world, files, client, debug_urls, kind):
    stored = getattr(files[kind], file_kinds()[kind].field)
    assert default_storage.exists(stored.name)
    assert client.get(f"/media/{stored.name}").status_code == 404


def test_the_fixed_monthly_import_name_of_old_answers_404(world, client, debug_urls):
    default_storage.save("imports/2026/12/households.xlsx", ContentFile(XLSX))
    default_storage.save("imports/plans/2026/12/plan.json.gz", ContentFile(PLAN))
    assert client.get("/media/imports/2026/12/households.xlsx").status_code == 404
    assert client.get("/media/imports/plans/2026/12/plan.json.gz").status_code == 404


def test_a_visit_photo_is_sent_privately_to_its_township_and_audited(world, files, client_for):
    photo = files["visit-photo"]
    response = client_for(world.sibling_town_staff).get(photo.image.url)

    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == PRIVATE
    assert response["Content-Disposition"].startswith("inline")
    event = AuditEvent.objects.get(action="core.file_view")
    assert (event.actor, event.object_id, event.unit) == (world.sibling_town_staff, str(photo.pk), world.village_a2)
    assert event.detail == {"kind": "visit-photo"}


def test_the_uploader_downloads_an_import_workbook_under_its_own_name_and_it_is_audited(world, files, client_for):
    job = files["import-workbook"]
    client = client_for(world.sibling_town_staff)
    workbook = client.get(job.file.url)
    plan = client.get(job.plan.url)

    assert (workbook.status_code, plan.status_code) == (200, 200)
    assert workbook.content == XLSX
    assert workbook["Cache-Control"] == plan["Cache-Control"] == PRIVATE
    assert workbook["Content-Disposition"].startswith("attachment")
    assert "%E7%94%B2%E4%BA%8C%E6%9D%91%E5%90%8D%E5%86%8C.xlsx" in workbook["Content-Disposition"]  # 甲二村名册
    assert AuditEvent.objects.filter(action="core.file_view", object_id=str(job.pk)).count() == 2
    # Nobody else, not even the city's office with the personal-data permission, reads it back.
    assert client_for(world.office_admin).get(job.file.url).status_code == 404


def test_evidence_holding_no_personal_data_is_private_but_not_audited(world, files, client_for):
    client = client_for(world.county_leader)
    for kind in ("pledge-photo", "step-evidence", "report-attachment"):
        obj = files[kind]
        response = client.get(getattr(obj, file_kinds()[kind].field).url)
        assert response.status_code == 200, kind
        assert response["Cache-Control"] == PRIVATE
    assert not AuditEvent.objects.filter(action="core.file_view").exists()


def test_a_user_without_the_permission_gets_403_after_the_scope(world, files, client_for):
    evidence = files["step-evidence"]
    assert client_for(world.auditor).get(evidence.evidence.url).status_code == 403


def test_under_the_nginx_backend_the_proxy_sends_the_bytes(world, files, client_for, nginx):
    photo = files["visit-photo"]
    response = client_for(world.sibling_town_staff).get(photo.image.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response.content == b""
    assert response["Cache-Control"] == PRIVATE
    assert response["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="core.file_view").count() == 1
    # Refusals stay refusals: no header that nginx would follow.
    refused = client_for(world.town_staff).get(photo.image.url)
    assert refused.status_code == 404
    assert not refused.has_header("X-Accel-Redirect")


def test_stored_names_are_random_and_the_uploaded_name_is_kept_where_shown(world, files):
    names = {kind: getattr(obj, file_kinds()[kind].field).name for kind, obj in files.items()}
    assert re.fullmatch(r"visits/[0-9a-f]{32}\.png", names["visit-photo"])
    assert re.fullmatch(r"pledges/[0-9a-f]{32}\.jpg", names["pledge-photo"])
    assert re.fullmatch(r"campaigns/evidence/[0-9a-f]{32}\.pdf", names["step-evidence"])
    assert re.fullmatch(r"evaluations/reports/[0-9a-f]{32}\.pdf", names["report-attachment"])
    assert re.fullmatch(r"imports/[0-9a-f]{32}\.xlsx", names["import-workbook"])
    assert re.fullmatch(r"imports/plans/[0-9a-f]{32}\.gz", names["import-plan"])
    assert files["report-attachment"].attachment_name == "工作汇总.pdf"
    assert files["step-evidence"].evidence_name == "scan.pdf"
    # The same upload twice: two names.
    namer = RandomName("visits")
    assert namer(None, "院墙.jpg") != namer(None, "院墙.jpg")


def test_every_file_field_of_the_project_is_private_and_registered():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                label = f"{model._meta.label}.{field.name}"
                assert isinstance(field, PrivateFileField), f"{label} is a plain FileField: make it private"
                assert isinstance(field.upload_to, RandomName), f"{label} must store files under random names"
                assert kind_of(model(), field.name).model == model._meta.label_lower


def test_pages_link_photos_and_evidence_through_the_file_view(world, files, client_for):
    from tests.ledgers.conftest import build_ledger

    ledger = build_ledger(world)
    client = client_for(world.sibling_town_staff)
    visit_page = client.get(reverse("ledgers:visit_detail", args=[ledger.visit_a2.pk])).content.decode()
    assert files["visit-photo"].image.url in visit_page
    assert "/media/" not in visit_page

    evidence = files["step-evidence"]
    plan_page = client.get(evidence.milestone.campaign.get_absolute_url()).content.decode()
    assert f'href="{evidence.evidence.url}"' in plan_page
    assert "/media/" not in plan_page


def test_the_admin_links_files_through_the_file_view(world, files, client_for):
    evidence = files["step-evidence"]
    client = client_for(world.office_admin)
    page = client.get(reverse("admin:campaigns_milestoneassignment_change", args=[evidence.pk]))
    assert page.status_code == 200
    assert f'href="{evidence.evidence.url}"' in page.content.decode()
    assert "/media/" not in page.content.decode()
    assert client.get(evidence.evidence.url).content == PDF_BYTES


def test_the_admin_shows_no_import_workbook_link_only_its_uploader_could_follow(world, files, client_for):
    job = files["import-workbook"]
    page = client_for(world.superuser).get(reverse("admin:outreach_importjob_change", args=[job.pk]))
    assert page.status_code == 200
    assert "甲二村名册.xlsx" in page.content.decode()
    assert "/core/files/" not in page.content.decode()
    assert "/media/" not in page.content.decode()


def test_a_jpeg_keeps_its_extension_lower_cased(world):
    assert RandomName("pledges")(None, "IMG_0001.JPG").endswith(".jpg")
    assert RandomName("pledges")(None, "no extension").count(".") == 0


def test_files_stored_under_old_guessable_names_move_to_random_ones(world, files, django_capture_on_commit_callbacks):
    from importlib import import_module

    from campaigns.models import MilestoneAssignment
    from ledgers.models import VisitPhoto

    photo, evidence = files["visit-photo"], files["step-evidence"]
    old_photo = default_storage.save(f"visits/{photo.visit_id}/院墙.png", ContentFile(PNG))
    VisitPhoto.objects.filter(pk=photo.pk).update(image=old_photo)
    old_evidence = default_storage.save("campaigns/evidence/2026/03/签到表.pdf", ContentFile(PDF_BYTES))
    MilestoneAssignment.objects.filter(pk=evidence.pk).update(evidence=old_evidence, evidence_name="")

    # Pledge progress was a ledgers model when that migration ran: give it the models of its day.
    ledgers_0011 = MigrationLoader(connection).project_state(("ledgers", "0011_move_photos_to_random_names")).apps
    names = []
    for _run in range(2):  # a second run moves nothing
        with django_capture_on_commit_callbacks(execute=True):
            import_module("ledgers.migrations.0011_move_photos_to_random_names").forwards(ledgers_0011, None)
            import_module("campaigns.migrations.0006_move_evidence_to_random_names").forwards(apps, None)
        photo.refresh_from_db()
        evidence.refresh_from_db()
        names.append((photo.image.name, evidence.evidence.name))
    assert names[0] == names[1]
    assert re.fullmatch(r"visits/[0-9a-f]{32}\.png", photo.image.name)
    assert re.fullmatch(r"campaigns/evidence/[0-9a-f]{32}\.pdf", evidence.evidence.name)

    with default_storage.open(photo.image.name) as moved:
        assert moved.read() == PNG
    assert not default_storage.exists(old_photo)
    assert not default_storage.exists(old_evidence)
    assert evidence.evidence_name == "签到表.pdf"
