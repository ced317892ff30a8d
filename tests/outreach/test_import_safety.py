"""The template cannot overwrite real data, the preview says what an update changes, and a
checked file can be thrown away."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from org.models import Cadre, OrgUnit
from outreach.models import Household, ImportJob, Pairing
from tests.factories import make_unit
from tests.outreach.helpers import PHONE, counts, household_in, household_row, valid_id, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(client, data, kind="households", **extra):
    client.post(reverse("outreach:import_upload"), {"kind": kind, "file": SimpleUploadedFile("a.xlsx", data), **extra})
    return ImportJob.objects.order_by("-pk").first()


def _template(client, kind):
    response = client.get(reverse("outreach:import_template", args=[kind]))
    buffer = io.BytesIO()
    # Saved again by openpyxl as an office user's spreadsheet program would.
    load_workbook(io.BytesIO(response.content)).save(buffer)
    return buffer.getvalue()


@pytest.fixture
def real_key(world):
    """The template's example key (371602001001 / 0001) as a real household, as in the demo."""
    village = make_unit(world.town_a1, "371602001001", "黄河社区", OrgUnit.Kind.VILLAGE)
    return household_in(village, "0001", head_name="孟涵", address="老地址")


@pytest.mark.parametrize("kind", ["households", "cadres", "pairings"])
def test_uploading_a_template_unchanged_writes_nothing(world, staff_client, real_key, kind):
    from tests.outreach.helpers import campaign_for

    before = (Household.objects.count(), Cadre.objects.count(), Pairing.objects.count())
    job = _upload(staff_client, _template(staff_client, kind), kind=kind, campaign=campaign_for(world).pk)

    assert job.status == ImportJob.Status.INVALID
    assert job.summary["examples"] == [2]
    assert counts(job.summary) == {"created": 0, "updated": 0, "unchanged": 0, "error_rows": 1}
    assert "只有模板的示例行" in job.errors[0]["reason"]
    assert staff_client.post(reverse("outreach:import_confirm", args=[job.pk])).status_code == 302
    real_key.refresh_from_db()
    assert (real_key.head_name, real_key.address, real_key.phone) == ("孟涵", "老地址", PHONE)
    assert (Household.objects.count(), Cadre.objects.count(), Pairing.objects.count()) == before


def test_the_template_explains_its_example_row(world, staff_client):
    response = staff_client.get(reverse("outreach:import_template", args=["households"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, example = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert example[0].startswith("示例")
    assert header[-1] == "填写说明（导入时忽略此列）"
    assert "导入时一律跳过" in example[-1]


def test_example_rows_are_skipped_with_a_notice_and_real_rows_import(world, staff_client):
    example = household_row("示例371602001001", "0001")
    job = _upload(staff_client, xlsx_bytes([example, household_row("CA1V1", "0002")]))

    assert job.status == ImportJob.Status.VALID
    assert counts(job.summary) == {"created": 1, "updated": 0, "unchanged": 0, "error_rows": 0}
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-examples"' in page
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert list(Household.objects.values_list("number", flat=True)) == ["0002"]


def _updating_file(world):
    household_in(world.village_a1, "0001", head_name="旧户主", address="一组", phone=PHONE, id_number=valid_id(1))
    household_in(world.village_a1, "0002", head_name="户主0002", address="一组", id_number=valid_id(2))
    return xlsx_bytes(
        [
            household_row("CA1V1", "0001", head="新户主", phone="13900001111", id_number=valid_id(9), categories=""),
            household_row("CA1V1", "0002", head="户主0002", categories=""),  # unchanged
            household_row("CA1V1", "0003"),  # new
        ]
    )


def test_the_preview_lists_old_and_new_values_of_an_updated_row_masked(world, staff_client):
    job = _upload(staff_client, _updating_file(world))

    assert counts(job.summary) == {"created": 1, "updated": 1, "unchanged": 1, "error_rows": 0}
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    table = page[page.index('data-testid="import-changes"') :]
    assert "旧户主" in table
    assert "新户主" in table
    assert "138****5678" in table
    assert "139****1111" in table
    assert valid_id(1)[:4] + "**********" + valid_id(1)[-4:] in table
    for full in (PHONE, "13900001111", valid_id(1), valid_id(9)):
        assert full not in page
    assert table.count('data-testid="import-change"') == 3  # head name, phone, ID number
    assert not AuditEvent.objects.filter(action="outreach.import_preview_personal").exists()


def test_a_permitted_viewer_sees_full_old_and_new_numbers_and_it_is_audited(world, staff_client, client_for):
    job = _upload(staff_client, _updating_file(world))

    page = client_for(world.office_admin).get(reverse("outreach:import_detail", args=[job.pk])).content.decode()

    for full in (PHONE, "13900001111", valid_id(9)):
        assert full in page
    assert AuditEvent.objects.filter(action="outreach.import_preview_personal", actor=world.office_admin).count() == 1


def test_only_the_first_rows_are_listed_and_the_rest_counted(world, staff_client, settings, monkeypatch):
    monkeypatch.setattr("outreach.importing.MAX_LISTED_CHANGES", 2)
    for n in range(1, 5):
        household_in(world.village_a1, f"{n:04d}", head_name="旧")
    job = _upload(staff_client, xlsx_bytes([household_row("CA1V1", f"{n:04d}", head="新") for n in range(1, 5)]))

    assert [c["row"] for c in job.summary["changes"]] == [2, 3]
    assert job.summary["more_changes"] == 2
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert "另有 2 条更新未逐条列出" in page


def test_a_cadre_import_lists_what_changes(world, staff_client):
    cadre = Cadre.objects.get(user=world.village_cadre)
    header = ["用户名*", "姓名*", "单位代码*", "职务", "职级", "领导干部", "党员", "手机号"]
    row = ["village_cadre", "新名字", cadre.org_unit.code, cadre.title, "", "否", "是", ""]
    job = _upload(staff_client, xlsx_bytes([row], header=header), kind="cadres")

    assert job.status == ImportJob.Status.VALID, job.errors
    fields = {f["key"]: (f["old"], f["new"]) for f in job.summary["changes"][0]["fields"]}
    assert fields["name"] == (cadre.name, "新名字")


def test_the_uploader_discards_a_checked_file(world, staff_client, django_capture_on_commit_callbacks):
    job = _upload(staff_client, _updating_file(world))
    names = [job.file.name, job.plan.name]
    assert all(default_storage.exists(n) for n in names)
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert reverse("outreach:import_discard", args=[job.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("outreach:import_discard", args=[job.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("outreach:import_upload")
    assert "已放弃导入" in response.content.decode()
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not any(default_storage.exists(n) for n in names)
    assert Household.objects.get(number="0001").head_name == "旧户主"
    assert AuditEvent.objects.filter(action="outreach.import_discard").count() == 1


def test_nobody_else_discards_a_job_and_a_finished_one_stays(world, client_for):
    # client_for logs one test client in as each user in turn.
    job = _upload(client_for(world.town_staff), _updating_file(world))
    url = reverse("outreach:import_discard", args=[job.pk])

    assert client_for(world.office_admin).post(url).status_code == 404
    page = client_for(world.office_admin).get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert url not in page
    assert client_for(world.sibling_town_staff).post(url).status_code == 404
    assert ImportJob.objects.filter(pk=job.pk).exists()
    staff = client_for(world.town_staff)
    staff.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert staff.post(url).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
