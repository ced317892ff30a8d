"""A masked export (no personal-data permission) imports back without losing stored numbers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from outreach.models import Household, ImportJob
from outreach.services import import_job_apply, import_job_check, import_job_create
from tests.outreach.helpers import PHONE, counts, household_in, household_row, valid_id, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(client, data):
    return client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("名册.xlsx", data)}
    )


def _last_job():
    return ImportJob.objects.order_by("-pk").first()


def _export(client) -> bytes:
    response = client.get(reverse("outreach:household_list") + "?export=xlsx")
    assert response.status_code == 200
    return response.content


def _edit(data: bytes, header: str, number: str, value: str) -> bytes:
    """The workbook with one cell of the row of household ``number`` replaced."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    column, number_column = headers.index(header) + 1, headers.index("户号*") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, number_column).value == number:
            sheet.cell(row, column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def stored(world):
    return [
        household_in(world.village_a1, "0001", phone=PHONE, id_number=valid_id(1)),
        household_in(world.village_a1, "0002", phone="13900001111", id_number=valid_id(2)),
        household_in(world.village_a1, "0003", phone="", id_number=""),
    ]


def test_reimporting_a_masked_export_keeps_the_stored_numbers(world, staff_client, stored):
    data = _export(staff_client)
    assert "3716**********" in load_workbook(io.BytesIO(data)).active["H2"].value, "the export is masked"

    _upload(staff_client, data)
    job = _last_job()
    assert job.status == ImportJob.Status.VALID, job.errors
    assert job.error_count == 0
    assert counts(job.summary) == {"created": 0, "updated": 0, "unchanged": 3, "error_rows": 0}
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    for household in stored:
        fresh = Household.objects.get(pk=household.pk)
        assert (fresh.phone, fresh.id_number) == (household.phone, household.id_number)


def test_a_real_value_in_a_masked_export_updates_the_household(world, staff_client, stored):
    data = _edit(_export(staff_client), "联系电话", "0001", "13700002222")
    data = _edit(data, "户主身份证号", "0002", valid_id(77))

    _upload(staff_client, data)
    job = _last_job()
    assert job.status == ImportJob.Status.VALID, job.errors
    assert counts(job.summary) == {"created": 0, "updated": 2, "unchanged": 1, "error_rows": 0}
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))

    first, second = (Household.objects.get(pk=h.pk) for h in stored[:2])
    assert (first.phone, first.id_number) == ("13700002222", valid_id(1)), "only the edited phone changed"
    assert (second.phone, second.id_number) == ("13900001111", valid_id(77))


def test_a_masked_value_that_does_not_match_the_stored_one_is_a_row_error(world, staff_client, stored):
    data = xlsx_bytes(
        [
            household_row("CA1V1", "0001", phone="139****5678"),
            household_row("CA1V1", "0002", id_number="3716**********9999"),
            household_row("CA1V1", "0003", phone="138****5678"),  # nothing stored to compare with
            household_row("CA1V1", "0009", phone="138****5678"),  # a new household
        ]
    )
    _upload(staff_client, data)
    job = _last_job()
    assert job.status == ImportJob.Status.INVALID
    errors = [(e["row"], e["column"]) for e in job.errors]
    assert errors == [(2, "联系电话"), (3, "户主身份证号"), (4, "联系电话"), (5, "联系电话")]
    assert "与系统中该户已存的号码不一致" in job.errors[0]["reason"]
    assert "请填写完整号码" in job.errors[1]["reason"]
    assert "没有可对照的已存号码" in job.errors[2]["reason"]
    assert Household.objects.get(pk=stored[0].pk).phone == PHONE


def test_a_number_changed_after_the_preview_is_not_overwritten_by_the_mask(world, stored):
    data = xlsx_bytes(
        [household_row("CA1V1", "0001", phone="138****5678", id_number="3716**********" + valid_id(1)[-4:])]
    )
    job = import_job_create(actor=world.town_staff, kind="households", data=data, name="a.xlsx")
    import_job_check(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID, job.errors
    # Someone with the full number corrects it before the import is confirmed.
    Household.objects.filter(pk=stored[0].pk).update(phone="15000009999")

    import_job_apply(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["column"] == "联系电话"
    assert Household.objects.get(pk=stored[0].pk).phone == "15000009999"


def test_a_masked_cadre_export_imports_back_without_losing_phones(world, staff_client):
    from org.models import Cadre

    Cadre.objects.filter(user=world.town_staff).update(phone="13912345678")
    response = staff_client.get(reverse("outreach:cadre_export"))
    assert response.status_code == 200
    assert "13912345678" not in _sheet_text(response.content)

    response = staff_client.post(
        reverse("outreach:import_upload"),
        {"kind": "cadres", "file": SimpleUploadedFile("干部.xlsx", response.content)},
    )
    job = _last_job()
    assert job.status == ImportJob.Status.VALID, job.errors
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Cadre.objects.get(user=world.town_staff).phone == "13912345678"


def _sheet_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def test_a_masked_cadre_phone_without_a_stored_phone_is_a_row_error(world, staff_client):
    header = ["用户名*", "姓名*", "单位代码*", "职务", "职级", "领导干部", "党员", "手机号"]
    rows = [["newcomer", "新人", "CA1V1", "", "科员", "否", "是", "139****5678"]]

    response = staff_client.post(
        reverse("outreach:import_upload"),
        {"kind": "cadres", "file": SimpleUploadedFile("干部.xlsx", xlsx_bytes(rows, header=header))},
    )

    assert response.status_code == 302
    job = _last_job()
    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "手机号")]
    assert "没有可对照的已存号码" in job.errors[0]["reason"]


def test_numbers_masked_in_exported_notes_are_kept_on_reimport(world, staff_client, stored):
    notes = "儿子电话 139 5724 6813，低保证 11010519491231002X"
    Household.objects.filter(pk=stored[0].pk).update(notes=notes, address="甲一村 138-0013-8000 转")
    data = _export(staff_client)
    text = "\n".join(str(c.value) for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row)
    assert "139****6813" in text
    assert "5724" not in text
    assert "138****8000" in text

    data = _edit(data, "户主姓名*", "0002", "改名的户主")
    _upload(staff_client, data)
    job = _last_job()
    assert job.status == ImportJob.Status.VALID, job.errors
    assert counts(job.summary) == {"created": 0, "updated": 1, "unchanged": 2, "error_rows": 0}
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    fresh = Household.objects.get(pk=stored[0].pk)
    assert (fresh.notes, fresh.address) == (notes, "甲一村 138-0013-8000 转")
