"""Plan invariants held in three places: the status service, model clean(), and the database itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign, Phase
from tests.factories import build_campaign

from .plans import make_plan

D = datetime.date


def _force_status(campaign, status):
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=status)


# ---- status: draft → active → closed, never backwards -----------------------------------------


def test_the_service_refuses_to_skip_from_draft_to_closed_in_chinese(world):
    campaign = make_plan(world.city)
    with pytest.raises(ValidationError, match="不能从“草稿”改为“已结束”"):
        services.campaign_set_status(campaign=campaign, status="closed", actor=world.office_admin)
    campaign.refresh_from_db()
    assert campaign.status == "draft"


@pytest.mark.parametrize(("start", "back"), [("active", "draft"), ("closed", "active"), ("closed", "draft")])
def test_the_database_refuses_to_move_a_status_backwards(world, start, back):
    campaign = make_plan(world.city)
    _force_status(campaign, "active")
    if start == "closed":
        _force_status(campaign, "closed")
    with pytest.raises(IntegrityError):
        _force_status(campaign, back)
    campaign.refresh_from_db()
    assert campaign.status == start


def test_the_database_lets_a_status_move_forward_and_stay(world):
    campaign = make_plan(world.city)
    _force_status(campaign, "active")
    _force_status(campaign, "active")  # an unchanged value is not a move
    _force_status(campaign, "closed")
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    # A row may be created in any status (imports of past campaigns, tests).
    build_campaign(world.city, title="旧方案", start=D(2020, 1, 1), end=D(2020, 12, 31), status="closed")


# ---- campaign and phase dates in clean() --------------------------------------------------------


def test_a_campaign_ending_before_it_starts_is_refused_in_chinese(world):
    campaign = Campaign(title="方案", issuing_unit=world.city, start_date=D(2026, 5, 1), end_date=D(2026, 4, 30))
    with pytest.raises(ValidationError) as exc:
        campaign.full_clean()
    assert exc.value.message_dict["end_date"] == ["结束日期 2026年4月30日 早于开始日期 2026年5月1日，请检查。"]


def test_the_admin_add_form_refuses_an_end_before_the_start(world, client_for):
    data = {
        "title": "倒置方案",
        "issuing_unit": world.city.pk,
        "start_date": "2026-05-01",
        "end_date": "2026-04-30",
        "participation": "subtree",
        "participating_kinds": "[]",
        **{f"{p}-{k}": "0" for p in ("phases", "milestones", "requirements") for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    response = client_for(world.office_admin).post(reverse("admin:campaigns_campaign_add"), data)
    assert response.status_code == 200
    assert "早于开始日期" in response.content.decode()
    assert not Campaign.objects.filter(title="倒置方案").exists()


def test_a_phase_overlapping_a_sibling_is_refused_by_clean_in_chinese(world):
    campaign = make_plan(world.city)  # phases 3-1..4-15 and 4-16..11-30
    phase = Phase(campaign=campaign, order=3, name="总结提高", start_date=D(2026, 11, 1), end_date=D(2026, 11, 30))
    with pytest.raises(ValidationError, match="阶段“公开承诺、为民办事”与“总结提高”的时间重叠"):
        phase.full_clean()
    # Editing a phase does not compare it with its own stored row.
    first = campaign.phases.get(order=1)
    first.end_date = D(2026, 4, 10)
    first.full_clean()


def test_a_phase_outside_the_campaign_is_refused_by_clean_in_chinese(world):
    campaign = make_plan(world.city)
    phase = Phase(campaign=campaign, order=3, name="延长", start_date=D(2026, 12, 1), end_date=D(2026, 12, 31))
    with pytest.raises(ValidationError, match="晚于活动结束日期 2026年11月30日"):
        phase.full_clean()


def test_the_admin_inline_may_swap_dates_between_stored_phases(world, client_for):
    # Row by row, each new range overlaps the other row as stored; as a set they do not.
    campaign = make_plan(world.city)
    first, second = campaign.phases.order_by("order")
    data = {
        "title": campaign.title,
        "issuing_unit": world.city.pk,
        "start_date": "2026-03-01",
        "end_date": "2026-11-30",
        "participation": "subtree",
        "participating_kinds": "[]",
        "phases-TOTAL_FORMS": "2",
        "phases-INITIAL_FORMS": "2",
        "phases-0-id": first.pk,
        "phases-0-campaign": campaign.pk,
        "phases-0-order": "1",
        "phases-0-name": first.name,
        "phases-0-start_date": "2026-03-01",
        "phases-0-end_date": "2026-08-31",
        "phases-1-id": second.pk,
        "phases-1-campaign": campaign.pk,
        "phases-1-order": "2",
        "phases-1-name": second.name,
        "phases-1-start_date": "2026-09-01",
        "phases-1-end_date": "2026-11-30",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "requirements-TOTAL_FORMS": "0",
        "requirements-INITIAL_FORMS": "0",
    }
    # The steps are due in the first phase and stay there; post them unchanged.
    steps = list(campaign.milestones.order_by("number"))
    data["milestones-TOTAL_FORMS"] = data["milestones-INITIAL_FORMS"] = str(len(steps))
    for i, step in enumerate(steps):
        data.update(
            {
                f"milestones-{i}-id": step.pk,
                f"milestones-{i}-campaign": campaign.pk,
                f"milestones-{i}-number": step.number,
                f"milestones-{i}-name": step.name,
                f"milestones-{i}-phase": step.phase_id,
                f"milestones-{i}-due_date": step.due_date.isoformat(),
            }
        )
    response = client_for(world.office_admin).post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    second.refresh_from_db()
    assert second.start_date == D(2026, 9, 1)


# ---- PostgreSQL: overlapping phases refused by the database itself -----------------------------


def _check_deferred_constraints():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only")
def test_postgresql_refuses_overlapping_phases_of_one_campaign(world):
    campaign = make_plan(world.city)  # phases 3-1..4-15 and 4-16..11-30
    with transaction.atomic():
        Phase.objects.create(
            campaign=campaign, order=3, name="重叠", start_date=D(2026, 11, 30), end_date=D(2026, 11, 30)
        )
        with pytest.raises(IntegrityError, match="campaigns_phase_no_overlap"):
            _check_deferred_constraints()
        transaction.set_rollback(True)
    # Another campaign's phases may cover the same days.
    other = make_plan(world.county_a)
    with transaction.atomic():
        _check_deferred_constraints()
    assert other.phases.count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only")
def test_postgresql_lets_a_plan_shift_move_every_phase_in_one_transaction(world):
    # Moving by 30 days: mid-update the first phase overlaps the not-yet-moved second one.
    campaign = make_plan(world.city)
    with transaction.atomic():
        services.campaign_shift_dates(campaign=campaign, start_date=D(2026, 3, 31), actor=world.office_admin)
        _check_deferred_constraints()
    assert list(campaign.phases.order_by("order").values_list("start_date", flat=True)) == [
        D(2026, 3, 31),
        D(2026, 5, 16),
    ]
