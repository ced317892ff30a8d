"""Staff pages: the 办实事台帐 list and export, create, approve, progress, amend; the admin."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pledges.models import Pledge, PledgeCategory, PledgeProgress
from tests.pledges.helpers import NEXT_YEAR, make_campaign, make_pledge

D = datetime.date


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, data).status_code == 200
    return len(ctx.captured_queries)


def test_the_ledger_lists_the_users_subtree_only(client_for, world):
    make_pledge(world, world.village_a1, title="甲一村的承诺")
    make_pledge(world, world.village_a2, title="甲二村的承诺")
    html = client_for(world.town_staff).get(reverse("pledges:pledge_list")).content.decode()
    assert "甲一村的承诺" in html
    assert "甲二村的承诺" not in html


def test_the_ledger_filters_by_unit_subtree_status_state_category_and_deadline(client_for, world):
    make_pledge(world, world.village_a1, title="村一已公开", deadline=D(2026, 5, 31))
    make_pledge(world, world.village_a1b, title="村二草稿", state="draft", deadline=D(2026, 7, 31))
    make_pledge(
        world,
        world.village_a2,
        title="甲二完成",
        progress=[(D(2026, 5, 1), 100, "完成")],
        category=PledgeCategory.objects.get(code="archive_use"),
    )
    client = client_for(world.county_leader)
    url = reverse("pledges:pledge_list")

    def titles(**params):
        html = client.get(url, params).content.decode()
        return {t for t in ("村一已公开", "村二草稿", "甲二完成") if t in html}

    assert titles() == {"村一已公开", "村二草稿", "甲二完成"}
    assert titles(unit=world.town_a1.pk) == {"村一已公开", "村二草稿"}
    assert titles(approval_state="draft") == {"村二草稿"}
    assert titles(status="completed") == {"甲二完成"}
    assert titles(category=PledgeCategory.objects.get(code="archive_use").pk) == {"甲二完成"}
    assert titles(deadline_to="2026-06-01") == {"村一已公开"}
    assert titles(q="草稿") == {"村二草稿"}


def test_an_out_of_scope_unit_filter_is_not_a_choice(client_for, world):
    make_pledge(world, world.village_a2, title="甲二村的承诺")
    html = client_for(world.town_staff).get(reverse("pledges:pledge_list"), {"unit": world.town_a2.pk}).content
    assert "甲二村的承诺" not in html.decode()


def test_the_ledger_query_count_does_not_grow_with_rows(client_for, world, django_assert_max_num_queries):
    client = client_for(world.county_leader)
    url = reverse("pledges:pledge_list")
    make_pledge(world, world.village_a1)
    few = _queries(client, url)
    for i in range(10):
        make_pledge(world, world.village_a1, title=f"承诺{i}", responsible_person=world.village_cadre.cadre)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(15):
        client.get(url)


def test_the_export_uses_the_offices_column_names_and_neutralises_formulas(client_for, world):
    make_pledge(world, world.village_a1, title='=HYPERLINK("http://evil")', measures="+1 措施", recipients="@张三")
    make_pledge(world, world.village_a2, title="甲二村的承诺")
    response = client_for(world.town_staff).get(reverse("pledges:pledge_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "办实事台帐"
    headers = [cell.value for cell in sheet[2]]
    for column in ("序号", "项目名称", "承诺内容", "完成目标", "办理时限", "责任单位", "责任人", "具体落实措施"):
        assert column in headers
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 1  # township A1 does not export township A2
    row = dict(zip(headers, rows[0], strict=True))
    assert row["项目名称"] == '=HYPERLINK("http://evil")'
    assert row["具体落实措施"] == "+1 措施"
    assert row["服务对象"] == "@张三"
    assert all(cell.quotePrefix for cell in sheet[3] if isinstance(cell.value, str) and cell.value[0] in "=+@")
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert row["办理时限"].date() == D(2026, 6, 30)


def test_the_export_follows_the_filters(client_for, world):
    make_pledge(world, world.village_a1, title="已公开")
    make_pledge(world, world.village_a1, title="草稿", state="draft")
    response = client_for(world.town_staff).get(reverse("pledges:pledge_export"), {"approval_state": "draft"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[4].value for row in sheet.iter_rows(min_row=3)] == ["草稿"]


def test_staff_create_a_pledge_through_the_form(client_for, world):
    campaign = make_campaign(world)
    client = client_for(world.town_staff)
    assert client.get(reverse("pledges:pledge_create")).status_code == 200
    response = client.post(
        reverse("pledges:pledge_create"),
        {
            "campaign": campaign.pk,
            "org_unit": world.village_a1.pk,
            "category": PledgeCategory.objects.get(code="coordination").pk,
            "title": "修缮妇女儿童之家",
            "content": "修缮活动室",
            "target": "对外开放",
            "deadline": f"{NEXT_YEAR}-09-30",
            "responsible_unit": world.village_a1.pk,
            "measures": "争取经费",
            "audience": "both",
            "visibility": "public",
            "origin_kind": "none",
        },
    )
    pledge = Pledge.objects.get(title="修缮妇女儿童之家")
    assert response.status_code == 302
    assert response["Location"] == pledge.get_absolute_url()
    assert pledge.approval_state == "draft"
    assert pledge.created_by == world.town_staff


def test_the_form_refuses_a_unit_outside_the_subtree(client_for, world):
    campaign = make_campaign(world)
    response = client_for(world.town_staff).post(
        reverse("pledges:pledge_create"),
        {"campaign": campaign.pk, "org_unit": world.village_a2.pk, "title": "x"},
    )
    assert response.status_code == 200
    assert not Pledge.objects.exists()


def test_a_leader_approves_and_publishes_from_the_detail_page(client_for, world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    client = client_for(world.county_leader)
    detail = client.get(pledge.get_absolute_url()).content.decode()
    assert 'value="approve"' in detail
    assert 'value="return"' in detail
    url = reverse("pledges:pledge_transition", kwargs={"pk": pledge.pk})
    assert client.post(url, {"action": "approve"}).status_code == 302
    assert client.post(url, {"action": "publish"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.approval_state == "published"


def test_an_illegal_transition_over_http_shows_the_chinese_reason(client_for, world):
    pledge = make_pledge(world, world.village_a1, "draft")
    client = client_for(world.county_leader)
    response = client.post(
        reverse("pledges:pledge_transition", kwargs={"pk": pledge.pk}), {"action": "approve"}, follow=True
    )
    assert "不能执行“审批通过”" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.approval_state == "draft"


def test_staff_cannot_approve_over_http(client_for, world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    client = client_for(world.town_staff)
    assert 'value="approve"' not in client.get(pledge.get_absolute_url()).content.decode()
    response = client.post(
        reverse("pledges:pledge_transition", kwargs={"pk": pledge.pk}), {"action": "approve"}, follow=True
    )
    assert "只有本单位领导" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.approval_state == "submitted"


def test_a_village_cadre_reports_progress_with_a_photo(client_for, world):
    pledge = make_pledge(world, world.village_a1)
    client = client_for(world.village_cadre)
    response = client.post(
        reverse("pledges:pledge_progress", kwargs={"pk": pledge.pk}),
        {
            "reported_on": "2026-06-01",
            "percent": "60",
            "note": "已完成主体施工",
            "photo": SimpleUploadedFile("site.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    update = PledgeProgress.objects.get(pledge=pledge)
    assert update.percent == 60
    photo = client.get(update.photo.url)
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    # The photo is not for another township's staff.
    assert client_for(world.sibling_town_staff).get(update.photo.url).status_code == 404


def test_a_non_image_upload_is_refused_by_the_form(client_for, world):
    pledge = make_pledge(world, world.village_a1)
    response = client_for(world.village_cadre).post(
        reverse("pledges:pledge_progress", kwargs={"pk": pledge.pk}),
        {
            "reported_on": "2026-06-01",
            "percent": "60",
            "note": "x",
            "photo": SimpleUploadedFile("site.jpg", b"MZ\x90\x00 not an image"),
        },
    )
    assert response.status_code == 200
    assert "佐证照片须为 JPG、PNG 或 WebP 图片" in response.content.decode()
    assert not PledgeProgress.objects.exists()


def test_a_leader_records_an_amendment_through_the_form(client_for, world):
    pledge = make_pledge(world, world.village_a1)
    response = client_for(world.county_leader).post(
        reverse("pledges:pledge_amend", kwargs={"pk": pledge.pk}),
        {"field": "deadline", "new_deadline": f"{NEXT_YEAR}-08-31", "reason": "雨季施工困难"},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.deadline == D(NEXT_YEAR, 8, 31)
    assert pledge.amendments.get().reason == "雨季施工困难"


def test_editing_an_approved_pledge_redirects_to_its_page(client_for, world):
    pledge = make_pledge(world, world.village_a1)
    response = client_for(world.town_staff).get(reverse("pledges:pledge_edit", kwargs={"pk": pledge.pk}))
    assert response.status_code == 302
    assert response["Location"] == pledge.get_absolute_url()


def test_the_detail_page_costs_a_fixed_number_of_queries(client_for, world, django_assert_max_num_queries):
    pledge = make_pledge(world, world.village_a1, progress=[(D(2026, 5, d), d, f"进展{d}") for d in range(1, 9)])
    client = client_for(world.county_leader)
    with django_assert_max_num_queries(16):
        assert client.get(pledge.get_absolute_url()).status_code == 200


# ---- Admin -----------------------------------------------------------------------------


def test_admin_lists_pledges_of_the_subtree_with_filters(client_for, world):
    make_pledge(world, world.village_a1, title="甲一村的承诺")
    make_pledge(world, world.village_b1, title="乙一村的承诺", state="draft")
    client = client_for(world.office_admin)
    url = reverse("admin:pledges_pledge_changelist")
    html = client.get(url).content.decode()
    assert "甲一村的承诺" in html
    assert "乙一村的承诺" in html
    by_unit = client.get(url, {"unit": world.county_a.code}).content.decode()
    assert "甲一村的承诺" in by_unit
    assert "乙一村的承诺" not in by_unit
    assert "乙一村的承诺" in client.get(url, {"approval_state__exact": "draft"}).content.decode()
    assert "甲一村的承诺" in client.get(url, {"status__exact": "overdue", "due": "past"}).content.decode()


def test_admin_change_of_an_out_of_scope_pledge_is_404(client_for, world):
    from tests.factories import make_person

    make_person("county_b_admin", world.county_b, "office_admin", is_staff=True)
    pledge = make_pledge(world, world.village_a1)
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.get(username="county_b_admin"))
    assert client.get(reverse("admin:pledges_pledge_change", args=[pledge.pk])).status_code == 404
    assert "甲一村" not in client.get(reverse("admin:pledges_pledge_changelist")).content.decode()


def test_admin_cannot_change_the_content_of_an_approved_pledge(client_for, world):
    pledge = make_pledge(world, world.village_a1)
    html = client_for(world.superuser).get(reverse("admin:pledges_pledge_change", args=[pledge.pk])).content.decode()
    assert 'name="content"' not in html


def _admin_add_form(world, campaign, **fields):
    """What the admin's add page posts for a pledge of village A1 (no inline rows)."""
    return {
        "campaign": campaign.pk,
        "org_unit": world.village_a1.pk,
        "category": PledgeCategory.objects.get(code="other").pk,
        "content": "内容",
        "target": "目标",
        "deadline": f"{NEXT_YEAR}-09-30",
        "responsible_unit": world.village_a1.pk,
        "measures": "措施",
        "audience": "both",
        "visibility": "public",
        "origin_kind": "none",
        "progress_updates-TOTAL_FORMS": "0",
        "progress_updates-INITIAL_FORMS": "0",
        "amendments-TOTAL_FORMS": "0",
        "amendments-INITIAL_FORMS": "0",
        **fields,
    }


def test_admin_creates_a_pledge_through_the_service(client_for, world):
    campaign = make_campaign(world)
    client = client_for(world.superuser)
    response = client.post(
        reverse("admin:pledges_pledge_add"),
        _admin_add_form(world, campaign, title="后台录入的承诺"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pledge = Pledge.objects.get(title="后台录入的承诺")
    assert pledge.approval_state == "draft"
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="ledgers.pledge_create", object_id=str(pledge.pk)).exists()


def test_an_admin_save_the_service_refuses_comes_back_on_the_form_not_as_a_403(client_for, world):
    from core.models import AuditEvent
    from tests.factories import make_person

    # The form accepts anyone in the user's units; the service knows the person must belong to
    # the responsible unit. The refusal is shown on the add page with what was typed kept.
    make_person("a2_cadre", world.village_a2, name="甲二村干部")
    from org.models import Cadre

    outsider = Cadre.objects.get(user__username="a2_cadre")
    campaign = make_campaign(world)
    response = client_for(world.superuser).post(
        reverse("admin:pledges_pledge_add"),
        _admin_add_form(world, campaign, title="责任人不在责任单位的承诺", responsible_person=outsider.pk),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "责任人须为责任单位（或其下级单位）的干部。" in html
    assert "errornote" in html
    assert 'value="责任人不在责任单位的承诺"' in html
    assert not Pledge.objects.filter(title="责任人不在责任单位的承诺").exists()
    assert not AuditEvent.objects.filter(action="ledgers.pledge_create").exists()


@pytest.mark.parametrize("model", ["pledge", "pledgecategory", "pledgeamendment"])
def test_admin_changelists_open_for_the_office(client_for, world, model):
    make_pledge(world, world.village_a1)
    assert client_for(world.office_admin).get(reverse(f"admin:pledges_{model}_changelist")).status_code == 200


def test_the_person_list_follows_the_responsible_unit(client_for, world):
    from tests.factories import make_person

    make_person("a2_cadre", world.village_a2, name="甲二村干部")
    client = client_for(world.county_leader)
    url = reverse("pledges:pledge_person_options")
    html = client.get(url, {"responsible_unit": world.village_a1.pk}).content.decode()
    assert "village_cadre" in html
    assert "甲二村干部" not in html
    form = client.get(reverse("pledges:pledge_create")).content.decode()
    assert 'hx-get="/ledgers/pledges/person-options/"' in form


def test_a_responsible_person_outside_the_responsible_unit_is_refused(world):
    from pledges.services import PledgeError, pledge_create
    from tests.pledges.helpers import pledge_fields

    fields = pledge_fields(
        world, world.town_a1, responsible_unit=world.village_a1b, responsible_person=world.village_cadre.cadre
    )
    with pytest.raises(PledgeError, match="责任人须为责任单位"):
        pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)


def test_phone_and_id_numbers_in_the_recipients_are_masked_on_screen_and_in_exports(client_for, world):
    pledge = make_pledge(world, world.village_a1, recipients="王秀兰（371602196805120023，电话 13805310099）")
    client = client_for(world.town_staff)
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "王秀兰（3716**********0023，电话 138****0099）" in html
    assert "13805310099" not in html
    assert "371602196805120023" not in html
    sheet = load_workbook(io.BytesIO(client.get(reverse("pledges:pledge_export")).content)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert "王秀兰（3716**********0023，电话 138****0099）" in values
    assert not any("13805310099" in v or "371602196805120023" in v for v in values)


def test_the_detail_page_names_the_plan_step_a_pledge_came_from(client_for, world):
    from campaigns.models import Milestone

    step = Milestone.objects.create(
        campaign=make_campaign(world), number=4, name="明确为妇女儿童办实事项目", due_date=D(2026, 4, 30)
    )
    pledge = make_pledge(world, world.village_a1, origin_kind="milestone", origin_object_id=step.pk)
    html = client_for(world.town_staff).get(pledge.get_absolute_url()).content.decode()
    assert "明确为妇女儿童办实事项目" in html
