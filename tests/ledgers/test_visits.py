"""Recording visits: the service, the fast entry page, search-as-you-type, photos, double submits."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from ledgers.models import Demand, HelpGiven, Visit, VisitPhoto
from ledgers.selectors import household_search_for_user
from ledgers.services import DemandDraft, visit_record
from outreach.models import Pairing
from tests.ledgers.conftest import cadre_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def entry_data(ledger, world, **overrides):
    data = {
        "token": str(uuid.uuid4()),
        "household": ledger.h_a1.pk,
        "cadre": cadre_of(world.town_staff).pk,
        "visited_on": ledger.today.isoformat(),
        "method": "night",
        "ledger_book": "bangfu",
        "campaign": ledger.campaign.pk,
        "learned": "家中老人身体尚可",
        "needs": "希望解决就业",
        "help-TOTAL_FORMS": "8",
        "help-INITIAL_FORMS": "0",
        "help-MIN_NUM_FORMS": "0",
        "help-MAX_NUM_FORMS": "8",
        "help-0-kind": "hardship",
        "help-0-amount": "500",
        "help-0-description": "特困救助金",
        "save_and_add": "1",
    }
    data.update(overrides)
    return data


def test_recording_a_visit_with_help_photos_and_a_demand(world, ledger):
    visit, created, _demand = visit_record(
        actor=world.town_staff,
        cadre=cadre_of(world.town_staff),
        household=ledger.h_a1,
        member=ledger.member,
        visited_on=ledger.today,
        method="home",
        ledger_book="bangfu",
        learned="了解情况",
        campaign=ledger.campaign,
        help_items=[{"kind": "medical", "amount": 300, "description": "送医"}],
        photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        demand=DemandDraft(category=ledger.category, title="道路坑洼"),
    )
    assert created
    assert visit.help_items.get().amount == 300
    assert visit.photos.count() == 1
    demand = visit.demands.get()
    assert (demand.source, demand.unit, demand.household, demand.member) == (
        "visit",
        world.village_a1,
        ledger.h_a1,
        ledger.member,
    )
    assert demand.received_by == cadre_of(world.town_staff)
    assert AuditEvent.objects.filter(action="ledgers.visit_record", object_id=str(visit.pk)).exists()


def test_the_same_token_twice_records_one_visit(world, ledger):
    token = uuid.uuid4()
    kwargs = {
        "actor": world.town_staff,
        "cadre": cadre_of(world.town_staff),
        "household": ledger.h_a1,
        "visited_on": ledger.today,
        "method": "home",
        "ledger_book": "minqing",
        "learned": "x",
        "idempotency_key": token,
        "demand": DemandDraft(category=ledger.category, title="一次"),
    }
    first, created_first, _demand = visit_record(**kwargs)
    second, created_second, _replayed = visit_record(**kwargs)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Demand.objects.filter(title="一次").count() == 1


def test_a_visit_in_the_future_or_with_a_stranger_is_refused(world, ledger):
    base = {
        "actor": world.town_staff,
        "cadre": cadre_of(world.town_staff),
        "method": "home",
        "ledger_book": "minqing",
        "learned": "x",
    }
    with pytest.raises(ValidationError, match="不能晚于今天"):
        visit_record(household=ledger.h_a1, visited_on=ledger.today + datetime.timedelta(days=1), **base)
    with pytest.raises(ValidationError, match="不是该户的家庭成员"):
        visit_record(household=ledger.h_a1b, member=ledger.member, visited_on=ledger.today, **base)


def test_readers_cannot_record_visits(world, ledger):
    with pytest.raises(PermissionDenied):
        visit_record(
            actor=world.auditor,
            cadre=cadre_of(world.auditor),
            household=ledger.h_a1,
            visited_on=ledger.today,
            method="home",
            ledger_book="minqing",
            learned="x",
        )


def test_fast_entry_saves_and_returns_a_fresh_form(world, ledger, client_for):
    client = client_for(world.town_staff)
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world))
    assert response.status_code == 302
    visit = Visit.objects.get(method="night")
    assert response["Location"] == f"{reverse('ledgers:visit_entry')}?after={visit.pk}"
    assert visit.recorded_by == world.town_staff
    assert HelpGiven.objects.get(visit=visit).amount == 500
    page = client.get(response["Location"])
    assert "已保存" in page.content.decode()
    # Sensible defaults for the next one: today and the last method used.
    form = page.context["form"]
    assert form.initial["visited_on"] == ledger.today
    assert form.initial["method"] == "night"
    assert form.initial["token"] != uuid.UUID(entry_data(ledger, world)["token"])


def test_save_and_add_another_keeps_the_last_visits_method_book_campaign_and_date(world, ledger, client_for):
    client = client_for(world.town_staff)
    yesterday = ledger.today - datetime.timedelta(days=1)
    data = entry_data(ledger, world, visited_on=yesterday.isoformat(), method="posted", ledger_book="wending")
    response = client.post(reverse("ledgers:visit_entry"), data)
    form = client.get(response["Location"]).context["form"]
    assert form.initial["visited_on"] == yesterday
    assert (form.initial["method"], form.initial["ledger_book"]) == ("posted", "wending")
    assert form.initial["campaign"] == ledger.campaign.pk
    # Another township's visit gives nothing away.
    other = client.get(reverse("ledgers:visit_entry"), {"after": ledger.visit_a2.pk}).context["form"]
    assert other.initial["visited_on"] == ledger.today
    assert other.initial["ledger_book"] == "minqing"


def test_a_visit_records_several_help_items_up_to_eight(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = entry_data(ledger, world, **{"help-1-kind": "education", "help-1-amount": "800", "help-2-kind": "legal"})
    assert client.post(reverse("ledgers:visit_entry"), data).status_code == 302
    visit = Visit.objects.get(method="night")
    assert list(visit.help_items.order_by("id").values_list("kind", flat=True)) == ["hardship", "education", "legal"]
    too_many = entry_data(ledger, world, method="phone", **{"help-TOTAL_FORMS": "9", "help-8-kind": "other"})
    response = client.post(reverse("ledgers:visit_entry"), too_many)
    assert response.status_code == 200
    assert response.context["helps"].non_form_errors()
    assert not Visit.objects.filter(method="phone", household=ledger.h_a1).exists()


def test_a_double_submitted_entry_form_creates_one_visit(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = entry_data(ledger, world, raise_demand="on", demand_category=ledger.category.pk, demand_title="两次点击")
    first = client.post(reverse("ledgers:visit_entry"), data)
    second = client.post(reverse("ledgers:visit_entry"), data)
    assert first.status_code == second.status_code == 302
    assert Visit.objects.filter(method="night").count() == 1
    assert Demand.objects.filter(title="两次点击").count() == 1
    assert "未重复保存" in client.get(reverse("ledgers:visit_entry")).content.decode()


def test_entry_form_speaks_chinese_when_input_is_wrong(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = entry_data(
        ledger,
        world,
        household="",
        learned="",
        visited_on=(ledger.today + datetime.timedelta(days=3)).isoformat(),
        raise_demand="on",
        **{"help-0-kind": "", "help-0-amount": "-5"},
    )
    response = client.post(reverse("ledgers:visit_entry"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["household"] == ["请先搜索并选择走访的农户。"]
    assert errors["learned"] == ["请填写了解到的情况。"]
    assert errors["visited_on"] == ["走访日期不能晚于今天。"]
    assert response.context["helps"].forms[0].errors["amount"] == ["金额不能为负数。"]
    assert errors["demand_category"] == ["请选择诉求类别。"]
    assert errors["demand_title"] == ["请填写诉求摘要。"]
    assert not Visit.objects.filter(method="night").exists()


def test_entry_refuses_a_household_outside_the_users_subtree(world, ledger, client_for):
    response = client_for(world.town_staff).post(
        reverse("ledgers:visit_entry"), entry_data(ledger, world, household=ledger.h_a2.pk)
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.context["form"].errors["household"][0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ" + b"\x00" * 10, "只能是 JPG、PNG 或 WebP"),
        ("a.png", b"not really a png", "内容与格式不符"),
        # Cut off while streaming (core.uploads), before the form's own size check.
        ("big.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), "照片过大（上限为 5 MB），已停止上传"),
    ],
)
def test_photos_are_limited_by_type_and_size(world, ledger, client_for, name, content, message):
    data = entry_data(ledger, world, photos=SimpleUploadedFile(name, content))
    response = client_for(world.town_staff).post(reverse("ledgers:visit_entry"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photos"])
    assert not VisitPhoto.objects.exists()


def test_a_real_photo_is_kept(world, ledger, client_for):
    data = entry_data(ledger, world, photos=[SimpleUploadedFile("p.jpg", JPEG), SimpleUploadedFile("q.png", PNG)])
    client_for(world.town_staff).post(reverse("ledgers:visit_entry"), data)
    assert VisitPhoto.objects.filter(visit__method="night").count() == 2


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("王", {"王建国", "王秀英"}),  # name prefix; 王大海 is in township A2
        ("王建国", {"王建国"}),
        ("0002", {"王秀英"}),  # household number
        ("2组5号", {"王秀英"}),  # address
        ("5678", {"王建国"}),  # phone tail
        ("甲二村", set()),  # the other township's address: out of scope
        ("", set()),
    ],
)
def test_household_search_matches_name_number_address_and_phone_tail_in_scope(world, ledger, q, expected):
    found = household_search_for_user(user=world.town_staff, q=q)
    assert {h.head_name for h in found} == expected


def test_search_as_you_type_returns_a_partial(world, ledger, client_for, django_assert_max_num_queries):
    client = client_for(world.town_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("ledgers:household_search"), {"q": "王"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "王建国" in html
    assert "王大海" not in html
    assert "138****5678" in html
    assert "13812345678" not in html


def test_the_cadres_own_pairings_are_on_top_of_the_entry_page(world, ledger, client_for):
    Pairing.objects.create(
        campaign=ledger.campaign, cadre=cadre_of(world.town_staff), household=ledger.h_a1b, start_date=ledger.today
    )
    html = client_for(world.town_staff).get(reverse("ledgers:visit_entry")).content.decode()
    assert 'data-testid="my-pairings"' in html
    assert "王秀英" in html


def test_picking_a_household_shows_its_members(world, ledger, client_for):
    html = client_for(world.town_staff).get(reverse("ledgers:household_pick", args=[ledger.h_a1.pk])).content.decode()
    assert f'name="household" value="{ledger.h_a1.pk}"' in html
    assert "王小明" in html


def test_a_pairing_with_a_household_member_picks_the_member_too(world, ledger, client_for):
    # 帮扶贫困妇女: the pairing is with one person of the household, not the household as a whole.
    pairing = Pairing.objects.create(
        campaign=ledger.campaign,
        cadre=cadre_of(world.town_staff),
        household=ledger.h_a1,
        member=ledger.member,
        start_date=ledger.today,
    )
    client = client_for(world.town_staff)
    html = client.get(reverse("ledgers:visit_entry")).content.decode()
    chip_url = f"{reverse('ledgers:household_pick', args=[ledger.h_a1.pk])}?member={ledger.member.pk}"
    assert f'hx-get="{chip_url}"' in html
    assert f'data-member-id="{pairing.member_id}"' in html
    # The chip's request returns the household with the paired member selected.
    picked = client.get(chip_url).content.decode()
    assert f'<option value="{ledger.member.pk}" selected>' in picked
    # Posting what the chip filled in credits the paired person.
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world, member=ledger.member.pk))
    assert response.status_code == 302
    assert Visit.objects.get(method="night").member_id == ledger.member.pk


def test_picking_a_household_without_a_member_selects_the_whole_household(world, ledger, client_for):
    client = client_for(world.town_staff)
    plain = client.get(reverse("ledgers:household_pick", args=[ledger.h_a1.pk])).content.decode()
    assert " selected>" not in plain
    # A member id of another household is ignored, not selected.
    other = ledger.h_a2.members.create(name="王二妹", relation="女")
    url = f"{reverse('ledgers:household_pick', args=[ledger.h_a1.pk])}?member={other.pk}"
    assert " selected>" not in client.get(url).content.decode()


def test_saving_a_visit_that_raised_a_demand_links_to_the_demand(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = entry_data(
        ledger,
        world,
        raise_demand="on",
        demand_category=ledger.category.pk,
        demand_title="路灯<坏了>",
        demand_description="村口路灯不亮",
    )
    response = client.post(reverse("ledgers:visit_entry"), data, follow=True)
    demand = Demand.objects.get(title="路灯<坏了>")
    html = response.content.decode()
    assert f'并受理诉求<a href="{demand.get_absolute_url()}">“路灯&lt;坏了&gt;”</a>' in html
    # Without a demand the message stays plain.
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world), follow=True)
    html = response.content.decode()
    assert "的走访记录。" in html
    assert "并受理诉求" not in html


def test_a_form_shown_again_with_errors_asks_to_choose_the_photos_again(world, ledger, client_for):
    client = client_for(world.town_staff)
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world, learned="", photos=[photo]))
    assert response.status_code == 200
    assert 'data-testid="photos-reselect"' in response.content.decode()
    assert "请重新选择照片" in response.content.decode()
    assert not Visit.objects.filter(method="night").exists()
    # No photo posted: no hint.
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world, learned=""))
    assert 'data-testid="photos-reselect"' not in response.content.decode()
    # The correction form says the same.
    edit = reverse("ledgers:visit_edit", args=[ledger.visit.pk])
    form = client.get(edit).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "learned": ""}
    data.update({"help-TOTAL_FORMS": "8", "help-INITIAL_FORMS": "0", "help-MIN_NUM_FORMS": "0"})
    data.update({"help-MAX_NUM_FORMS": "8", "photos": [SimpleUploadedFile("b.png", PNG, content_type="image/png")]})
    response = client.post(edit, data)
    assert response.status_code == 200
    assert 'data-testid="photos-reselect"' in response.content.decode()
