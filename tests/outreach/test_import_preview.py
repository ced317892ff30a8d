"""The import preview: counts above the error list, and the bad rows as a workbook for the uploader."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from outreach.models import ImportJob
from tests.outreach.helpers import bad_check_digit_id, counts, household_in, household_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def _upload(client, data):
    client.post(reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("a.xlsx", data)})
    return ImportJob.objects.order_by("-pk").first()


@pytest.fixture
def mixed_file(world):
    household_in(world.village_a1, "0001", head_name="户主0001", address="一组")
    household_in(world.village_a1, "0002", head_name="旧户主")
    household_in(world.village_a1, "0003", head_name="户主0003")
    return xlsx_bytes(
        [
            household_row("CA1V1", "0001", head="户主0001", categories=""),  # unchanged
            household_row("CA1V1", "0002", head="新户主", categories=""),  # updated
            household_row("CA1V1", "0003", head="户主0003", categories="特困户"),  # updated (category)
            household_row("CA1V1", "0004"),  # new
            household_row("CA1V1", "0005", id_number=bad_check_digit_id(5), phone="12345"),  # two errors
            household_row("NOPE", "0006"),  # one error
        ]
    )


def test_the_preview_counts_new_updated_unchanged_and_bad_rows(world, staff_client, mixed_file):
    job = _upload(staff_client, mixed_file)

    assert job.status == ImportJob.Status.INVALID
    assert counts(job.summary) == {"created": 1, "updated": 2, "unchanged": 1, "error_rows": 2}
    assert job.error_count == 3
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    summary_at, errors_at = page.index('data-testid="import-summary"'), page.index('data-testid="import-errors"')
    assert summary_at < errors_at, "the counts come before the error list"
    for name, value in {"rows": 6, "created": 1, "updated": 2, "unchanged": 1, "error_rows": 2}.items():
        assert f'data-count="{name}">{value}<' in page
    assert reverse("outreach:import_errors", args=[job.pk]) in page


def test_the_uploader_downloads_the_bad_rows_as_xlsx(world, staff_client, mixed_file):
    job = _upload(staff_client, mixed_file)

    response = staff_client.get(reverse("outreach:import_errors", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原因", "文件中读到的值")
    assert [(r[0], r[1]) for r in rows[1:]] == [(6, "联系电话"), (6, "户主身份证号"), (7, "村/社区代码")]
    assert rows[1][3] == "12345"  # the phone as read, beside its reason
    assert rows[2][2] == "身份证号校验位错误，请逐位核对号码。"


def test_the_error_rows_belong_to_the_uploader_only(world, staff_client, client_for, mixed_file):
    job = _upload(staff_client, mixed_file)
    url = reverse("outreach:import_errors", args=[job.pk])

    assert client_for(world.superuser).get(url).status_code == 404
    assert client_for(world.sibling_town_staff).get(url).status_code == 404
    page = client_for(world.superuser).get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert url not in page


def test_a_valid_preview_shows_the_counts_too(world, staff_client):
    household_in(world.village_a1, "0001", head_name="户主0001", address="一组")
    job = _upload(
        staff_client, xlsx_bytes([household_row("CA1V1", "0001", head="改名"), household_row("CA1V1", "0002")])
    )

    assert counts(job.summary) == {"created": 1, "updated": 1, "unchanged": 0, "error_rows": 0}
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert 'data-count="created">1<' in page
    assert 'data-testid="import-errors-download"' not in page


def _id_with_birth(birth: str) -> str:
    from outreach.validators import id_number_check_digit

    first17 = f"371602{birth}123"
    return first17 + id_number_check_digit(first17)


@pytest.mark.parametrize(
    ("birth", "reason"),
    [
        ("19800230", "身份证号第7至14位的出生日期“19800230”不是有效日期。"),
        ("19801301", "身份证号第7至14位的出生日期“19801301”不是有效日期。"),
        ("18991231", "身份证号第7至14位的出生日期“18991231”不是有效日期。"),
        ("20991231", "身份证号第7至14位的出生日期“20991231”晚于今天。"),
    ],
)
def test_an_id_number_with_an_impossible_birth_date_is_a_row_error(world, staff_client, birth, reason):
    # The check digit is right: only the embedded date is wrong.
    job = _upload(staff_client, xlsx_bytes([household_row("CA1V1", "0001", id_number=_id_with_birth(birth))]))

    assert job.errors == [{"row": 2, "column": "户主身份证号", "reason": reason}]


def test_an_id_number_born_today_is_accepted(world, staff_client):
    from django.utils import timezone

    today = timezone.localdate().strftime("%Y%m%d")
    job = _upload(staff_client, xlsx_bytes([household_row("CA1V1", "0001", id_number=_id_with_birth(today))]))

    assert job.status == ImportJob.Status.VALID, job.errors


def test_a_duplicate_household_number_names_both_rows(world, staff_client):
    rows = [household_row("CA1V1", "0001"), household_row("CA1V2", "0001"), household_row("CA1V1", "0001")]

    job = _upload(staff_client, xlsx_bytes(rows))

    assert job.errors == [
        {
            "row": 4,
            "column": "户号",
            "reason": "第 2 行和第 4 行的户号都是“0001”，同一村/社区内户号不能重复。",
        }
    ]
