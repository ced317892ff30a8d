"""The public board never shows a phone or ID number: refused in any spelling by form, service, admin.

A pledge with 联系电话：138 0013 8000 used to be approved and published on the board (the
old filter only knew unbroken digits).
"""

import pytest
from django.urls import reverse

from pledges.models import Pledge, PledgeCategory
from pledges.services import PledgeError, pledge_amend, pledge_create
from tests.pledges.helpers import make_campaign, make_pledge, pledge_fields

SPELLINGS = [
    "联系电话：138 0013 8000",
    "138-0013-8000",
    "１３８００１３８０００",
    "+86 138 0013 8000",
    "身份证 110105 19491231 002x",
]


@pytest.mark.parametrize("text", SPELLINGS)
def test_the_service_refuses_public_text_with_a_number_in_any_spelling(world, text):
    for field in ("title", "content", "target", "measures"):
        with pytest.raises(PledgeError, match="不能包含手机号"):
            pledge_create(user=world.town_staff, fields=pledge_fields(world, world.village_a1, **{field: text}))
    assert not Pledge.objects.exists()


def test_an_amendment_with_a_spaced_number_is_refused(world):
    pledge = make_pledge(world, world.village_a1)
    with pytest.raises(PledgeError, match="不能包含手机号"):
        pledge_amend(pledge=pledge, user=world.superuser, field="content", new_value="联系 138 0013 8000", reason="x")


def _form(world, **overrides):
    data = {
        "campaign": make_campaign(world).pk,
        "org_unit": world.village_a1.pk,
        "category": PledgeCategory.objects.order_by("pk").first().pk,
        "title": "修缮妇女儿童之家",
        "content": "修缮活动室",
        "target": "对外开放",
        "deadline": "2026-09-30",
        "responsible_unit": world.village_a1.pk,
        "measures": "争取经费",
        "audience": "both",
        "visibility": "public",
        "origin_kind": "none",
    }
    data.update(overrides)
    return data


def test_the_staff_form_refuses_a_number_with_spaces_in_chinese(world, client_for):
    response = client_for(world.town_staff).post(
        reverse("pledges:pledge_create"), _form(world, content="联系电话：138 0013 8000")
    )
    assert response.status_code == 200
    assert "不能包含手机号" in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_admin_refuses_a_number_with_dashes(world, client_for):
    response = client_for(world.office_admin).post(
        reverse("admin:pledges_pledge_add"), _form(world, measures="请拨 138-0013-8000")
    )
    assert response.status_code == 200
    assert "不能包含手机号" in response.content.decode()
    assert not Pledge.objects.exists()


def test_text_without_numbers_is_published(world):
    pledge = make_pledge(world, world.village_a1, content="2026-06-30 前硬化道路 3 公里")
    assert pledge.approval_state == Pledge.ApprovalState.PUBLISHED
