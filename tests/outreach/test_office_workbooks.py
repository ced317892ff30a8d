"""Workbooks as offices make them, saved by LibreOffice (tests/fixtures/workbooks, see its README):
each problem is refused with its cause and fix, or read as the office meant; nothing is stored wrong."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from outreach.models import Household, ImportJob

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workbooks"
LOST_TAIL = "该单元格被存成了数字，末几位可能已丢失；请把此列设为文本格式后重新输入。"
LOST_ZERO = "该单元格被存成了数字，开头的 0 可能已丢失；请把此列设为文本格式后重新输入。"


def _upload(client, name: str) -> ImportJob:
    data = (FIXTURES / name).read_bytes()
    client.post(reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile(name, data)})
    return ImportJob.objects.order_by("-pk").first()


def _stored() -> dict[str, tuple[str, str, str]]:
    return {h.number: (h.head_name, h.phone, h.id_number) for h in Household.objects.all()}


def _confirm(client, job) -> ImportJob:
    client.post(reverse("outreach:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("name", ["id_as_number.xlsx", "id_as_number.xls", "id_as_number.ods"])
def test_id_numbers_stored_as_numbers_are_refused_with_the_value_read(world, staff_client, name):
    job = _upload(staff_client, name)

    assert job.status == ImportJob.Status.INVALID
    # 371602195104061223 typed into a General cell: the file keeps 3.71602195104061E+17, whose
    # rounded digits would even pass the check digit. Refused, with what the file really holds.
    assert job.errors[0] == {
        "row": 2,
        "column": "户主身份证号",
        "reason": LOST_TAIL,
        "value": "371602195104061000",
        "personal": True,
    }
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (row, "户主身份证号", LOST_TAIL) for row in (2, 3, 4)
    ]
    assert Household.objects.count() == 0


def test_the_value_read_is_in_the_preview_and_the_errors_workbook_masked_without_the_permission(world, staff_client):
    job = _upload(staff_client, "id_as_number.xlsx")
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert LOST_TAIL in page
    assert "371602195104061000" not in page
    assert "3716**********1000" in page  # the lost digits show as the 000 at the end

    book = load_workbook(io.BytesIO(staff_client.get(reverse("outreach:import_errors", args=[job.pk])).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原因", "文件中读到的值")
    assert rows[1] == (2, "户主身份证号", LOST_TAIL, "3716**********1000")


def test_a_household_number_that_lost_its_leading_zero_is_refused(world, staff_client):
    job = _upload(staff_client, "leading_zeros.xlsx")

    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"], e["reason"], e["value"]) for e in job.errors] == [
        (2, "户号", LOST_ZERO, "416"),
        (3, "户号", LOST_ZERO, "417"),
    ]


@pytest.mark.parametrize("name", ["text_columns.xlsx", "text_columns.xls", "text_columns.ods"])
def test_text_formatted_columns_keep_leading_zeros_and_every_digit(world, staff_client, name):
    job = _upload(staff_client, name)
    assert job.status == ImportJob.Status.VALID, job.errors

    _confirm(staff_client, job)
    assert _stored() == {
        "0416": ("王秀英", "13812345678", "371602195104061223"),
        "0417": ("李四", "0531-88886666", "371602198001010128"),
    }


def test_formula_cells_are_read_as_the_results_the_spreadsheet_saved(world, staff_client):
    job = _upload(staff_client, "formulas.xlsx")
    assert job.status == ImportJob.Status.VALID, job.errors

    _confirm(staff_client, job)
    # 户号 =TEXT(ROW()+799;"0000") and 家庭人口 =1+2, =E2+1: their results, never the formula text.
    assert sorted(Household.objects.values_list("number", "members_count")) == [("0801", 3), ("0802", 4)]


@pytest.mark.parametrize("name", ["title_rows.xlsx", "title_rows.xls", "title_rows.ods"])
def test_a_title_row_a_blank_row_and_a_village_merged_down_its_rows(world, staff_client, name):
    job = _upload(staff_client, name)

    assert job.status == ImportJob.Status.VALID, job.errors
    _confirm(staff_client, job)
    assert set(Household.objects.filter(village=world.village_a1).values_list("number", flat=True)) == {
        "0021",
        "0022",
        "0023",
    }


def test_a_user_allowed_to_see_personal_data_sees_the_whole_value_read_and_it_is_audited(world, client_for):
    from core.models import AuditEvent

    office = client_for(world.office_admin)
    job = _upload(office, "id_as_number.xlsx")
    page = office.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert "371602195104061000" in page
    assert AuditEvent.objects.filter(action="outreach.import_preview_personal", actor=world.office_admin).exists()


def test_a_household_number_merged_over_two_rows_is_refused_naming_the_merge(world, staff_client):
    job = _upload(staff_client, "merged_numbers.xlsx")

    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "户号")]
    assert "合并单元格 C2:C3" in job.errors[0]["reason"]
    assert Household.objects.count() == 0


def test_full_width_zero_width_and_dashed_phones_are_tidied_and_shown(world, staff_client):
    job = _upload(staff_client, "fullwidth_zero_width.xlsx")
    assert job.status == ImportJob.Status.VALID, job.errors
    notes = {(n["row"], n["column"]): n for n in job.summary["normalised"]}
    assert notes[(2, "户号")]["before"] == "００４１"
    assert notes[(2, "户号")]["after"] == "0041"
    assert notes[(3, "村/社区代码")]["before"] == "CA1V1⟨U+200B⟩"
    assert "U+200B" in notes[(3, "村/社区代码")]["note"]
    assert notes[(4, "户号")]["after"] == "0043"

    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-notes"' in page
    assert "CA1V1⟨U+200B⟩" in page
    assert "13812345678" not in page  # tidied phones are listed masked for this user

    _confirm(staff_client, job)
    assert _stored() == {
        "0041": ("王秀英", "13812345678", "371602195104061223"),
        "0042": ("李四", "13812345678", "371602198001010128"),
        "0043": ("张三", "13812345678", "371602198001010136"),
    }
    assert set(Household.objects.values_list("village_id", flat=True)) == {world.village_a1.pk}


def test_a_household_number_the_spreadsheet_turned_into_a_date_is_refused(world, staff_client):
    job = _upload(staff_client, "date_typed_number.xlsx")

    assert job.status == ImportJob.Status.INVALID
    first, second = job.errors
    assert (first["row"], first["column"], first["value"]) == (2, "户号", "2026-03-12")
    assert "自动识别成了日期" in first["reason"]
    assert (second["row"], second["value"]) == (3, "44")  # 0044 typed into a General cell
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("138-1234-567", "手机号应为11位数字，这里是 10 位，请核对。"),
        ("138 1234 5678 转 2", "电话号码中有“转”：只能填写数字，固定电话可在区号后加“-”（如 0531-12345678）。"),
        ("0531-8888", "固定电话应为区号加号码（如 0531-12345678），位数不对，请核对。"),
    ],
)
def test_a_phone_that_cannot_be_tidied_gets_its_own_reason(world, staff_client, phone, message):
    from tests.outreach.helpers import household_row, xlsx_bytes

    data = xlsx_bytes([household_row("CA1V1", "0001", phone=phone)])
    staff_client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("a.xlsx", data)}
    )
    job = ImportJob.objects.order_by("-pk").first()
    assert [(e["column"], e["reason"], e["value"]) for e in job.errors] == [("联系电话", message, phone)]


def test_an_xls_with_one_value_in_its_last_cell_is_refused_by_the_confined_reader(world, staff_client):
    # python-calamine builds 65,536 x 256 cells for it: the child process reading it runs out of
    # its address space, the server does not.
    job = _upload(staff_client, "last_cell.xls")

    assert job.status == ImportJob.Status.FAILED
    assert "超出了内存或时间上限" in job.message


@pytest.mark.parametrize(
    ("name", "fixture", "message"),
    [
        ("名册.xls", "text_columns.xlsx", "文件内容不是 .xls 格式"),
        ("名册.ods", "text_columns.xls", "文件内容不是 .ods 格式"),
        ("名册.xlsx", "text_columns.ods", "文件内容不是 .xlsx 格式"),
        ("名册.csv", "text_columns.xlsx", "只接受 .xlsx、.xls 或 .ods"),
    ],
)
def test_a_file_whose_name_and_content_disagree_is_refused(world, staff_client, name, fixture, message):
    data = (FIXTURES / fixture).read_bytes()
    response = staff_client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile(name, data)}
    )

    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_apostrophe_typed_before_an_id_number_is_dropped(world, staff_client):
    from tests.outreach.helpers import household_row, valid_id, xlsx_bytes

    data = xlsx_bytes([household_row("CA1V1", "0001", id_number="'" + valid_id(3))])
    staff_client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("a.xlsx", data)}
    )
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == ImportJob.Status.VALID, job.errors
    _confirm(staff_client, job)
    assert Household.objects.get().id_number == valid_id(3)


def _ods_repeating_one_cell(rows: int, columns: int) -> bytes:
    """title_rows.ods with its rows replaced by one value repeated rows x columns times (a few
    KB: .ods compresses repeats into one attribute; python-calamine expands them)."""
    import zipfile

    source = zipfile.ZipFile(FIXTURES / "title_rows.ods")
    content = source.read("content.xml").decode()
    start, end = content.index("<table:table-row"), content.index("</table:table>")
    repeated = (
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated='
        f'"{columns}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), source.read("mimetype"), compress_type=zipfile.ZIP_STORED)
        for info in source.infolist():
            if info.filename != "mimetype" and not info.filename.endswith("/"):
                part = content[:start] + repeated + content[end:] if info.filename == "content.xml" else None
                book.writestr(info.filename, part.encode() if part else source.read(info.filename))
    return out.getvalue()


def test_an_ods_repeating_one_cell_a_hundred_million_times_is_refused_by_the_confined_reader(world, staff_client):
    # Unconfined, python-calamine took 6 GB and 17 s for this 10 KB file.
    data = _ods_repeating_one_cell(100_000, 1000)
    assert len(data) < 20_000
    staff_client.post(
        reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("名册.ods", data)}
    )
    job = ImportJob.objects.order_by("-pk").first()

    assert job.status == ImportJob.Status.FAILED
    assert "超出了内存或时间上限" in job.message
