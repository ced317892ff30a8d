"""The five seed plans ship as templates; the 历下区妇联 plan is checked against its own text."""

import calendar
import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from campaigns import services
from campaigns.models import Campaign, Milestone, Phase, Requirement
from campaigns.plan_templates import TEMPLATES

SEED = Path(__file__).parent / "data" / "000_48b207e271241583.txt"
# The shared folder sits beside the repository (as in CI); the test copy must match it.
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_48b207e271241583.txt"
YEAR = 2011
DATE_PHRASE = re.compile(r"(\d{1,2})月(\d{1,2}日?|初|上旬|中旬|下旬|底|份)")


def _last(month):
    return calendar.monthrange(YEAR, month)[1]


def phrase_to_date(phrase: str, *, end: bool) -> datetime.date:
    """'3月初' → 3-1, '4月中旬' → 4-15 (end), '4月下旬' → 4-21 (start), '11月上旬' → 11-10 (end) …"""
    month_text, part = DATE_PHRASE.search(phrase).groups()
    month = int(month_text)
    if part[0].isdigit():
        day = int(part.rstrip("日"))
    else:
        start_day, end_day = {
            "初": (1, 10),
            "上旬": (1, 10),
            "中旬": (11, 15),
            "下旬": (21, _last(month)),
            "底": (_last(month), _last(month)),
            "份": (1, _last(month)),
        }[part]
        day = end_day if end else start_day
    return datetime.date(YEAR, month, day)


def parse_seed(text: str):
    """Phases (name, start, end) and steps (number, phase index, deadline) as the plan states them."""
    phases, steps = [], []
    body = text.split("三、阶段安排", 1)[1].split("四、组织领导", 1)[0]
    for line in body.splitlines():
        line = line.strip()
        heading = re.match(r"^（[1一二三]）\s*(.+?)（(.+?)）$", line)
        if heading:
            name, span = heading.groups()
            first, _, last = span.partition("至")
            last = last or first
            phases.append((name, phrase_to_date(first, end=False), phrase_to_date(last, end=True)))
            continue
        step = re.match(r"^(\d)、\s*(.+)$", line)
        if step and phases:
            number, paragraph = int(step.group(1)), step.group(2)
            found = DATE_PHRASE.search(paragraph)
            # A step whose paragraph names no date is due when its phase ends.
            due = phrase_to_date(found.group(0), end=True) if found else phases[-1][2]
            steps.append((number, len(phases), due))
    return phases, steps


def test_the_seed_copy_is_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("shared seeds not mounted here")
    assert SEED.read_text(encoding="utf-8") == SHARED_SEED.read_text(encoding="utf-8")


def test_the_seed_parser_reads_three_phases_and_eight_steps():
    phases, steps = parse_seed(SEED.read_text(encoding="utf-8"))
    assert [p[0] for p in phases] == ["走访调研、汇集民情", "公开承诺、为民办事", "总结提高、完善机制"]
    assert [s[0] for s in steps] == list(range(1, 9))
    assert steps[0][2] == datetime.date(2011, 3, 15)


@pytest.mark.django_db
def test_loading_the_lixia_template_gives_the_seed_phases_and_step_deadlines():
    Campaign.objects.filter(is_template=True).delete()
    call_command("load_plan_templates")
    template = Campaign.objects.get(document_number="历下妇发[2011]9号", is_template=True)
    phases, steps = parse_seed(SEED.read_text(encoding="utf-8"))

    loaded_phases = list(template.phases.order_by("order"))
    assert len(loaded_phases) == 3
    assert [(p.name, p.start_date, p.end_date) for p in loaded_phases] == phases
    assert [(p.start_date, p.end_date) for p in loaded_phases] == [
        (datetime.date(2011, 3, 1), datetime.date(2011, 4, 15)),
        (datetime.date(2011, 4, 21), datetime.date(2011, 10, 31)),
        (datetime.date(2011, 11, 1), datetime.date(2011, 11, 30)),
    ]
    loaded_steps = list(template.milestones.select_related("phase").order_by("number"))
    assert len(loaded_steps) == 8
    assert [(m.number, m.phase.order, m.due_date) for m in loaded_steps] == steps
    text = SEED.read_text(encoding="utf-8")
    for milestone in loaded_steps:
        assert milestone.due_text in text, milestone.due_text
    assert template.issue_date == datetime.date(2011, 3, 24)
    # 结穷亲: 副处级以上党员干部至少联系1户困难群众.
    requirement = template.requirements.get()
    assert (requirement.kind, requirement.scope, requirement.params["min"]) == ("pairings_per_cadre", "senior", 1)


@pytest.mark.django_db
def test_the_five_templates_are_valid_plans():
    assert Campaign.objects.templates().count() == len(TEMPLATES) == 5
    for template in Campaign.objects.templates():
        assert template.status == Campaign.Status.DRAFT
        assert template.phases.exists()
        assert template.milestones.exists()
        assert template.requirements.exists()
        template.full_clean()
        for row in [*template.phases.all(), *template.milestones.all(), *template.requirements.all()]:
            row.full_clean()
    kinds = set(Requirement.objects.filter(campaign__is_template=True).values_list("kind", flat=True))
    assert kinds == set(Requirement.Kind.values), "every requirement kind is used by some seed plan"


@pytest.mark.django_db
def test_loading_templates_twice_changes_nothing():
    before = (Campaign.objects.count(), Phase.objects.count(), Milestone.objects.count(), Requirement.objects.count())
    call_command("load_plan_templates")
    after = (Campaign.objects.count(), Phase.objects.count(), Milestone.objects.count(), Requirement.objects.count())
    assert before == after


@pytest.mark.django_db
def test_reset_restores_an_edited_template():
    template = Campaign.objects.get(template_key="lixia-fulian-2011")
    template.milestones.filter(number=8).delete()
    call_command("load_plan_templates", "--reset")
    assert template.milestones.count() == 8


def test_starting_from_a_template_moves_the_whole_plan_to_another_year(world):
    template = Campaign.objects.get(template_key="lixia-fulian-2011")
    campaign = services.campaign_start_from_template(
        template=template, issuing_unit=world.county_a, start_date=datetime.date(2026, 3, 1), actor=world.office_admin
    )
    assert (campaign.start_date, campaign.end_date) == (datetime.date(2026, 3, 1), datetime.date(2026, 11, 30))
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.template == template
    assert [(p.start_date, p.end_date) for p in campaign.phases.order_by("order")] == [
        (datetime.date(2026, 3, 1), datetime.date(2026, 4, 15)),
        (datetime.date(2026, 4, 21), datetime.date(2026, 10, 31)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)),
    ]
    assert list(campaign.milestones.order_by("number").values_list("due_date", flat=True))[:4] == [
        datetime.date(2026, 3, 15),
        datetime.date(2026, 3, 20),
        datetime.date(2026, 4, 15),
        datetime.date(2026, 4, 30),
    ]
    # The template itself is untouched.
    assert template.milestones.get(number=1).due_date == datetime.date(2011, 3, 15)


def test_a_report_schedule_date_moves_with_the_plan(world):
    template = Campaign.objects.get(template_key="minzheng-xiajiceng-2010")
    campaign = services.campaign_start_from_template(
        template=template, issuing_unit=world.county_a, start_date=datetime.date(2025, 11, 21), actor=world.office_admin
    )
    requirement = campaign.requirements.get(kind="reports_every")
    assert requirement.params["first_due"] == "2025-12-31"


def test_starting_from_a_template_for_a_unit_outside_ones_branch_is_refused(world):
    from django.core.exceptions import PermissionDenied

    template = Campaign.objects.get(template_key="lixia-fulian-2011")
    with pytest.raises(PermissionDenied):
        services.campaign_start_from_template(
            template=template,
            issuing_unit=world.county_b,
            start_date=datetime.date(2026, 3, 1),
            actor=world.county_leader,
        )
