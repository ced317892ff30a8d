"""Every export with an import twin comes back unchanged: exported, uploaded as it is, every row 无变化.

And the files are made to survive an office: code, 户号, ID and phone columns are text (typed
values stay text), formula-looking text is quote-prefixed (no visible apostrophe to import back),
columns with choices offer them as a list, the header is frozen.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from org.models import Cadre
from outreach.models import Household, HouseholdCategory, ImportJob, Pairing
from tests.factories import build_campaign
from tests.outreach.helpers import cadre_of, counts, household_in, member_in, valid_id, xlsx_bytes

pytestmark = pytest.mark.django_db


def _reimport(client, data: bytes, kind: str, campaign=None) -> ImportJob:
    payload = {"kind": kind, "file": SimpleUploadedFile("导出.xlsx", data)}
    if campaign is not None:
        payload["campaign"] = campaign.pk
    client.post(reverse("outreach:import_upload"), payload)
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == ImportJob.Status.VALID, job.errors
    return job


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _households(world):
    poor = HouseholdCategory.objects.get(name="特困户")
    first = household_in(
        world.village_a1,
        "0001",
        head_name="-2+3",
        address='=HYPERLINK("http://evil","点我")',
        notes="-",
        phone="0531-88886666",
        id_number="37160219800101003X",
    )
    first.categories.add(poor)
    household_in(world.village_a1, "0416", head_name="王秀英", notes="@备注", id_number=valid_id(416))
    household_in(world.village_a1b, "3-12", head_name="李四", phone="", id_number="")


@pytest.mark.parametrize("who", ["town_staff", "office_admin"])
def test_the_household_export_reimports_with_every_row_unchanged(world, client_for, who):
    _households(world)
    client = client_for(getattr(world, who))
    data = client.get(reverse("outreach:household_list"), {"export": "xlsx"}).content

    sheet = _sheet(data)
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    for title in ("村/社区代码*", "户号*", "联系电话", "户主身份证号"):
        letter = "ABCDEFGHIJ"[header.index(title)]
        assert sheet.column_dimensions[letter].number_format == "@", title
        assert sheet.column_dimensions[letter].width >= 12
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert cells["-2+3"].quotePrefix
    assert cells["-"].quotePrefix
    assert cells["@备注"].quotePrefix
    assert not any(value.startswith("'") for value in cells)

    job = _reimport(client, data, "households")
    assert counts(job.summary) == {"created": 0, "updated": 0, "unchanged": 3, "error_rows": 0}
    assert sorted(Household.objects.values_list("number", "head_name", "notes")) == [
        ("0001", "-2+3", "-"),
        ("0416", "王秀英", "@备注"),
        ("3-12", "李四", ""),
    ]


def test_an_export_from_before_quote_prefixes_imports_without_its_apostrophes(world, staff_client):
    _households(world)
    data = staff_client.get(reverse("outreach:household_list"), {"export": "xlsx"}).content
    rows = list(_sheet(data).iter_rows(values_only=True))
    # Older exports wrote a visible apostrophe before formula-looking text.
    old = [
        ["'" + v if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v for v in row] for row in rows[1:]
    ]
    assert any(isinstance(v, str) and v.startswith("'") for row in old for v in row)

    job = _reimport(staff_client, xlsx_bytes(old, header=list(rows[0])), "households")
    assert counts(job.summary) == {"created": 0, "updated": 0, "unchanged": 3, "error_rows": 0}


def test_the_cadre_export_reimports_with_every_row_unchanged(world, client_for):
    cadre = cadre_of(world.village_cadre)
    cadre.title, cadre.phone = "=妇联主席", "13900000001"
    cadre.save()
    client = client_for(world.office_admin)
    data = client.get(reverse("outreach:cadre_export")).content

    sheet = _sheet(data)
    header = [c.value for c in sheet[1]]
    rank = "ABCDEFGHIJ"[header.index("职级")]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "科员" in lists[f"{rank}2:{rank}1048576"].split(",")

    job = _reimport(client, data, "cadres")
    assert job.summary["created"] == 0
    assert job.summary["updated"] == 0
    assert job.summary["unchanged"] == Cadre.objects.count()


def test_the_pairing_export_names_each_campaign_and_reimports_into_it(world, client_for):
    # Every unit copies its superior's plan: four campaigns, one title.
    title = "下基层、访妇情、办实事"
    campaigns = [build_campaign(unit, title=title) for unit in (world.city, world.county_a, world.town_a1)]
    household = household_in(world.village_a1, "0001")
    member = member_in(household, "小花", is_poor_child=True)
    staff = cadre_of(world.town_staff)
    for campaign in campaigns:
        Pairing.objects.create(
            campaign=campaign, cadre=staff, household=household, kind="poor_kin", start_date=datetime.date(2026, 4, 1)
        )
    Pairing.objects.create(
        campaign=campaigns[0],
        cadre=staff,
        household=household,
        member=member,
        kind="poor_child",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 3, 31),
        is_active=False,
    )
    client = client_for(world.town_staff)
    data = client.get(reverse("outreach:pairing_list"), {"export": "xlsx"}).content

    sheet = _sheet(data)
    header = [c.value for c in sheet[1]]
    named = {row[header.index("主题活动")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert named == {f"{c.issuing_unit.name} · {title} · {c.pk}" for c in campaigns}

    # Whatever campaign is chosen on the page, each row goes back to its own: nothing new.
    job = _reimport(client, data, "pairings", campaign=campaigns[2])
    assert counts(job.summary) == {"created": 0, "updated": 0, "unchanged": 4, "error_rows": 0}
    client.post(reverse("outreach:import_confirm", args=[job.pk]))
    assert Pairing.objects.count() == 4
    assert Pairing.objects.filter(campaign=campaigns[0]).count() == 2


def test_a_pairing_row_naming_a_campaign_wrongly_is_refused(world, staff_client, campaign):
    household_in(world.village_a1, "0001")
    header = ["干部用户名*", "村/社区代码*", "户号*", "帮扶形式*", "开始日期*", "主题活动"]
    rows = [
        ["town_staff", "CA1V1", "0001", "结穷亲", "2026-04-01", f"别的单位 · {campaign.title} · {campaign.pk}"],
        ["town_staff", "CA1V1", "0001", "结对帮扶", "2026-04-01", "某个活动 · 999999"],
        ["town_staff", "CA1V1", "0001", "结对帮扶", "2026-04-01", "没有编号的活动"],
    ]
    staff_client.post(
        reverse("outreach:import_upload"),
        {"kind": "pairings", "campaign": campaign.pk, "file": SimpleUploadedFile("a.xlsx", xlsx_bytes(rows, header))},
    )
    job = ImportJob.objects.order_by("-pk").first()
    reasons = [(e["row"], e["reason"]) for e in job.errors]
    assert reasons[0][0] == 2
    assert "不一致" in reasons[0][1]
    assert reasons[1] == (3, "编号为 999999 的主题活动不存在或不在您的范围内。")
    assert reasons[2][0] == 4
    assert "发文单位 · 标题 · 编号" in reasons[2][1]


@pytest.mark.parametrize("kind", ["households", "cadres", "pairings"])
def test_the_templates_keep_typed_codes_and_numbers_as_text_and_offer_the_choices(world, staff_client, kind):
    data = staff_client.get(reverse("outreach:import_template", args=[kind])).content
    sheet = _sheet(data)
    header = [c.value for c in sheet[1]]
    text_columns = {
        "households": ("村/社区代码*", "户号*", "联系电话", "户主身份证号"),
        "cadres": ("用户名*", "单位代码*", "手机号"),
        "pairings": ("干部用户名*", "村/社区代码*", "户号*"),
    }[kind]
    for title in text_columns:
        letter = "ABCDEFGHIJKL"[header.index(title)]
        assert sheet.column_dimensions[letter].number_format == "@", title
    assert sheet.freeze_panes == "A2"
    if kind != "households":
        assert sheet.data_validations.dataValidation, "a column with choices offers them"
