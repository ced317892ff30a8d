import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from org.models import Cadre
from outreach.models import Household, ImportJob, Pairing
from outreach.services import import_job_apply, import_job_check, import_job_create
from outreach.tasks import import_job_apply_task, import_job_check_task
from outreach.xlsx import XlsxRejected, check_upload, read_first_sheet
from tests.outreach.helpers import (
    bad_check_digit_id,
    counts,
    household_in,
    household_row,
    member_in,
    valid_id,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def _upload(client, data, name="名册.xlsx", kind="households", campaign=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if campaign is not None:
        payload["campaign"] = campaign.pk
    return client.post(reverse("outreach:import_upload"), payload)


def _last_job():
    return ImportJob.objects.order_by("-pk").first()


def test_a_valid_file_is_previewed_then_imported_with_categories(world, staff_client):
    data = xlsx_bytes(
        [
            household_row("CA1V1", "0001", head="王秀英", categories="特困户、留守家庭"),
            household_row("CA1V1", "0002", head="李桂兰", categories=""),
            household_row("CA1V2", "0001", head="张建国", categories="老党员"),
        ]
    )
    response = _upload(staff_client, data)
    job = _last_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.VALID
    assert counts(job.summary) == {"created": 3, "updated": 0, "unchanged": 0, "error_rows": 0}
    assert Household.objects.count() == 0, "the preview writes nothing"
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk]))
    assert "全部 3 行检查通过" in page.content.decode()

    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    household = Household.objects.get(village=world.village_a1, number="0001")
    assert household.head_name == "王秀英"
    assert sorted(household.categories.values_list("name", flat=True)) == ["特困户", "留守家庭"]
    assert Household.objects.count() == 3
    assert AuditEvent.objects.filter(action="outreach.import_households").count() == 1


def test_three_bad_rows_write_nothing_and_report_three_precise_errors(world, staff_client):
    data = xlsx_bytes(
        [
            household_row("CA1V1", "0001"),
            household_row("CA1V1", "0002", id_number=bad_check_digit_id(2)),
            household_row("NOPE99", "0003"),
            household_row("CA1V1", "0004"),
            household_row("CA1V1", "0004", head="重复户"),
        ]
    )
    _upload(staff_client, data)
    job = _last_job()

    assert job.status == ImportJob.Status.INVALID
    assert Household.objects.count() == 0
    assert job.error_count == 3
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "户主身份证号"), (4, "村/社区代码"), (6, "户号")]
    reasons = [e["reason"] for e in job.errors]
    assert "校验位错误" in reasons[0]
    assert "NOPE99" in reasons[1]
    assert "不存在" in reasons[1]
    assert "重复" in reasons[2]
    assert "第 5 行" in reasons[2]
    page = staff_client.get(reverse("outreach:import_detail", args=[job.pk])).content.decode()
    assert "发现 3 处错误" in page
    assert "校验位错误" in page
    # An invalid job cannot be confirmed.
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert Household.objects.count() == 0


def test_importing_the_same_file_twice_updates_instead_of_duplicating(world, staff_client):
    rows = [household_row("CA1V1", f"{n:04d}", categories="特困户") for n in range(1, 6)]
    data = xlsx_bytes(rows)
    for expected in (
        {"created": 5, "updated": 0, "unchanged": 0, "error_rows": 0},
        {"created": 0, "updated": 0, "unchanged": 5, "error_rows": 0},
    ):
        _upload(staff_client, data)
        job = _last_job()
        assert counts(job.summary) == expected
        staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE
    assert Household.objects.count() == 5
    assert Household.categories.through.objects.count() == 5


def test_reimport_replaces_changed_values(world, staff_client):
    household_in(world.village_a1, "0001", head_name="旧名字")
    _upload(staff_client, xlsx_bytes([household_row("CA1V1", "0001", head="新名字", categories="老党员")]))
    staff_client.post(reverse("outreach:import_confirm", args=[_last_job().pk]))
    household = Household.objects.get(village=world.village_a1, number="0001")
    assert household.head_name == "新名字"
    assert list(household.categories.values_list("name", flat=True)) == ["老党员"]


def test_a_sibling_townships_village_is_refused(world, staff_client):
    _upload(staff_client, xlsx_bytes([household_row("CA1V1", "0001"), household_row("CA2V1", "0001")]))
    job = _last_job()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"row": 3, "column": "村/社区代码", "reason": "村/社区“甲二村（CA2V1）”不在您的管辖范围内。"}]
    assert Household.objects.count() == 0


def test_a_code_that_is_not_a_village_is_refused(world, staff_client):
    _upload(staff_client, xlsx_bytes([household_row("CA1", "0001")]))
    assert "不是村/社区" in _last_job().errors[0]["reason"]


def test_a_missing_required_column_is_reported_on_the_header_row(world, staff_client):
    _upload(staff_client, xlsx_bytes([["CA1V1", "王五"]], header=["村/社区代码*", "户主姓名*"]))
    job = _last_job()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["row"] == 1
    assert "户号" in job.errors[0]["reason"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("名册.xlsx", b"this is not a spreadsheet at all", "不是 .xlsx"),
        ("名册.csv", b"a,b,c\n1,2,3\n", "只接受 .xlsx"),
        ("名册.xlsm", b"PK\x03\x04whatever", "含宏"),
    ],
)
def test_garbage_and_wrong_types_are_refused_before_parsing(world, staff_client, name, data, message):
    response = _upload(staff_client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_oversized_file_is_refused(world, staff_client, settings):
    settings.OUTREACH_IMPORT_MAX_BYTES = 2048
    data = xlsx_bytes([household_row("CA1V1", f"{n:04d}") for n in range(1, 200)])
    assert len(data) > 2048
    response = _upload(staff_client, data)
    assert "文件过大" in response.content.decode()
    assert ImportJob.objects.count() == 0


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_workbook_with_a_vba_project_is_refused():
    data = xlsx_bytes([])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/vbaProject.bin"] = b"\x00" * 100
    with pytest.raises(XlsxRejected, match="宏"):
        check_upload(_zip(parts), "名册.xlsx")


def test_a_zip_bomb_is_refused(settings):
    settings.OUTREACH_IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200 * 1024
    with pytest.raises(XlsxRejected, match="压缩炸弹"):
        check_upload(bomb, "名册.xlsx")


def test_formula_cells_without_a_saved_result_are_refused_never_stored_as_formula_text(world, staff_client):
    # openpyxl (like other programs that write workbooks) saves formulas without their results.
    row = household_row("CA1V1", "0001", head='=HYPERLINK("http://x","点我")')
    row[4] = "=1+2"
    data = xlsx_bytes([row])
    sheet = read_first_sheet(data)
    assert sheet.rows[0][3].kind == "formula"
    _upload(staff_client, data)
    job = _last_job()
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (2, "户主姓名", '=HYPERLINK("http://x","点我")'),
        (2, "家庭人口", "=1+2"),
    ]
    assert all("没有保存它的计算结果" in e["reason"] for e in job.errors)
    assert Household.objects.count() == 0


def test_the_template_workbook_has_the_chinese_headers_and_imports_cleanly(world, staff_client):
    response = staff_client.get(reverse("outreach:import_template", args=["households"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["村/社区代码*", "村/社区名称", "户号*", "户主姓名*"]
    example = [c.value for c in sheet[2]]
    example[0] = "CA1V1"
    _upload(staff_client, xlsx_bytes([example], header=header))
    assert _last_job().status == ImportJob.Status.VALID


def test_large_imports_run_in_the_celery_tasks_with_progress_and_are_idempotent(world, settings):
    settings.OUTREACH_IMPORT_INLINE_MAX_BYTES = 0
    rows = [household_row("CA1V1", f"{n:05d}") for n in range(1, 12_001)]
    job = import_job_create(actor=world.town_staff, kind="households", data=xlsx_bytes(rows), name="大名册.xlsx")
    assert job.status == ImportJob.Status.PENDING

    import_job_check_task.apply(args=[job.pk])
    import_job_check_task.apply(args=[job.pk])  # a redelivered task finds nothing to claim
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    assert (job.processed_rows, job.total_rows, job.percent) == (12_000, 12_000, 100)
    assert Household.objects.count() == 0

    import_job_apply_task.apply(args=[job.pk])
    import_job_apply_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Household.objects.count() == 12_000


def test_the_progress_partial_polls_while_running(world, staff_client):
    job = import_job_create(
        actor=world.town_staff, kind="households", data=xlsx_bytes([household_row("CA1V1", "0001")]), name="a.xlsx"
    )
    response = staff_client.get(reverse("outreach:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "progress-bar" in body
    import_job_check(job_id=job.pk)
    body = staff_client.get(reverse("outreach:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in body


def test_a_row_changed_after_the_preview_is_checked_again_on_import(world):
    job = import_job_create(
        actor=world.town_staff,
        kind="households",
        data=xlsx_bytes([household_row("CA1V1", "0001", categories="特困户")]),
        name="a.xlsx",
    )
    import_job_check(job_id=job.pk)
    # The importer moves to township A2 before confirming: village A1 is no longer theirs.
    Cadre.objects.filter(user=world.town_staff).update(org_unit=world.town_a2)
    import_job_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert "不在您的管辖范围内" in job.errors[0]["reason"]
    assert Household.objects.count() == 0


def test_a_category_deleted_after_the_preview_stops_the_import(world):
    from outreach.models import HouseholdCategory

    extra = HouseholdCategory.objects.create(code="linshi", name="临时类别")
    job = import_job_create(
        actor=world.town_staff,
        kind="households",
        data=xlsx_bytes([household_row("CA1V1", "0001", categories="临时类别")]),
        name="a.xlsx",
    )
    import_job_check(job_id=job.pk)
    extra.delete()
    import_job_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert Household.objects.count() == 0


def test_cadres_are_imported_by_username_within_the_subtree(world, staff_client):
    header = ["用户名*", "姓名*", "单位代码*", "职务", "职级", "领导干部", "党员", "手机号"]
    rows = [
        ["zhang3", "张三", "CA1V1", "妇联主席", "科员", "否", "是", "13900000001"],
        ["li4", "李四", "CA1", "干事", "副科级", "是", "否", ""],
    ]
    _upload(staff_client, xlsx_bytes(rows, header=header), kind="cadres")
    job = _last_job()
    assert job.status == ImportJob.Status.VALID, job.errors
    staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    _upload(staff_client, xlsx_bytes(rows, header=header), kind="cadres")
    staff_client.post(reverse("outreach:import_confirm", args=[_last_job().pk]))
    assert counts(_last_job().summary) == {"created": 0, "updated": 0, "unchanged": 2}
    li4 = Cadre.objects.get(user__username="li4")
    assert (li4.rank, li4.is_leader, li4.is_party_member, li4.org_unit) == (
        "deputy_section",
        True,
        False,
        world.town_a1,
    )
    assert not li4.user.has_usable_password()

    _upload(staff_client, xlsx_bytes([["wang5", "王五", "CA2V1", "", "", "", "", ""]], header=header), kind="cadres")
    assert "不在您的管辖范围内" in _last_job().errors[0]["reason"]
    # An existing account outside the subtree cannot be taken over by a row naming it.
    _upload(staff_client, xlsx_bytes([["sibling_town_staff", "改名", "CA1V1"]], header=header[:3]), kind="cadres")
    assert "管辖范围外" in _last_job().errors[0]["reason"]


def test_pairings_are_imported_for_the_chosen_campaign_without_duplicates(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")
    member_in(household, "小花", is_poor_child=True)
    header = ["干部用户名*", "村/社区代码*", "户号*", "帮扶对象姓名", "帮扶形式*", "开始日期*", "结束日期"]
    rows = [
        ["town_staff", "CA1V1", "0001", "", "结穷亲", "2026-04-01", ""],
        ["village_cadre", "CA1V1", "0001", "小花", "帮扶贫困儿童", "2026/04/02", "2026-12-31"],
    ]
    for _ in range(2):
        _upload(staff_client, xlsx_bytes(rows, header=header), kind="pairings", campaign=campaign)
        job = _last_job()
        assert job.status == ImportJob.Status.VALID, job.errors
        staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert Pairing.objects.count() == 2
    assert Pairing.objects.get(kind="poor_child").member.name == "小花"

    bad = [
        ["sibling_town_staff", "CA1V1", "0001", "", "结穷亲", "2026-04-01", ""],
        ["town_staff", "CA1V1", "0009", "", "x", "bad", ""],
    ]
    _upload(staff_client, xlsx_bytes(bad, header=header), kind="pairings", campaign=campaign)
    reasons = [(e["row"], e["column"]) for e in _last_job().errors]
    assert reasons == [(2, "干部用户名"), (3, "户号"), (3, "帮扶形式"), (3, "开始日期")]


def test_a_pairing_import_needs_a_campaign(world, staff_client):
    response = _upload(staff_client, xlsx_bytes([]), kind="pairings")
    assert "请选择主题活动" in response.content.decode()


def test_only_the_uploader_confirms_and_other_townships_get_404(world, client_for):
    job = import_job_create(
        actor=world.town_staff, kind="households", data=xlsx_bytes([household_row("CA1V1", "0001")]), name="a.xlsx"
    )
    import_job_check(job_id=job.pk)
    response = client_for(world.sibling_town_staff).post(reverse("outreach:import_confirm", args=[job.pk]))
    assert response.status_code == 404
    assert Household.objects.count() == 0


def test_ids_typed_as_numbers_lose_precision_and_are_reported(world, staff_client):
    # Excel stores numbers as doubles: an 18-digit ID typed as a number comes back rounded.
    row = household_row("CA1V1", "0001", id_number=int(valid_id(4)))
    _upload(staff_client, xlsx_bytes([row]))
    job = _last_job()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["column"] == "户主身份证号"


def test_exports_escape_cells_a_spreadsheet_would_run(world, staff_client):
    household_in(
        world.village_a1, "0001", head_name='=HYPERLINK("http://evil","点我")', address="+1+1", notes="@SUM(A1)"
    )
    household_in(world.village_a1, "0002", head_name="-2+3", address="普通地址")
    response = staff_client.get(reverse("outreach:household_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells), "no cell is written as a formula"
    quoted = {c.value for c in cells if c.quotePrefix}
    assert quoted == {'=HYPERLINK("http://evil","点我")', "+1+1", "@SUM(A1)", "-2+3"}
    assert not any(c.value[0] in "=+-@" for c in cells if not c.quotePrefix)


def _broker(monkeypatch, *, down: bool) -> list:
    """Record what is sent to the broker, or refuse it as a stopped Redis does."""
    from kombu.exceptions import OperationalError

    from config.celery import app

    sent = []

    def send_task(name, args):
        if down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        sent.append((name, args))

    monkeypatch.setattr(app, "send_task", send_task)
    return sent


def test_a_large_upload_is_sent_to_the_worker_once_committed_and_confirmed_likewise(
    world, staff_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTREACH_IMPORT_INLINE_MAX_BYTES = 0
    sent = _broker(monkeypatch, down=False)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(staff_client, xlsx_bytes([household_row("CA1V1", "0001")]))
    job = _last_job()
    assert job.status == ImportJob.Status.PENDING  # the request did not read it
    assert sent == [("outreach.check_import", [job.pk])]

    import_job_check_task.apply(args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert sent[1:] == [("outreach.apply_import", [job.pk])]
    assert Household.objects.count() == 0


def test_with_the_broker_down_a_large_import_is_checked_and_written_in_the_request(
    world, staff_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTREACH_IMPORT_INLINE_MAX_BYTES = 0
    _broker(monkeypatch, down=True)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(staff_client, xlsx_bytes([household_row("CA1V1", "0001")]))
    job = _last_job()
    assert job.status == ImportJob.Status.VALID

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Household.objects.filter(village__code="CA1V1", number="0001").count() == 1
