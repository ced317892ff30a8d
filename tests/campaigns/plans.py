"""Building campaign plans for tests: a campaign with phases, numbered steps and owed rows."""

import datetime

from django.core.files.base import ContentFile

from campaigns import services
from campaigns.models import Campaign, Milestone, MilestoneAssignment, Phase

D = datetime.date
START, END = D(2026, 3, 1), D(2026, 11, 30)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_plan(unit, *, title=None, kinds=None, start=START, end=END, steps=3, responsible=None):
    """A draft campaign issued by ``unit`` with two phases and ``steps`` steps, owed rows synced."""
    campaign = Campaign.objects.create(
        title=title or f"{unit.name}实施方案",
        issuing_unit=unit,
        start_date=start,
        end_date=end,
        participating_kinds=kinds if kinds is not None else [],
    )
    first = Phase.objects.create(
        campaign=campaign,
        order=1,
        name="走访调研、汇集民情",
        start_date=start,
        end_date=start + datetime.timedelta(days=45),
    )
    Phase.objects.create(
        campaign=campaign,
        order=2,
        name="公开承诺、为民办事",
        start_date=start + datetime.timedelta(days=46),
        end_date=end,
    )
    for number in range(1, steps + 1):
        Milestone.objects.create(
            campaign=campaign,
            phase=first,
            number=number,
            name=f"环节{number}",
            due_date=start + datetime.timedelta(days=10 * number),
            responsible_unit=responsible,
        )
    services.campaign_sync_assignments(campaign=campaign)
    return campaign


def plan_for(unit, *, responsible=None, title=None):
    """One reusable plan per (unit, responsible unit): the URL matrix asks for it several times."""
    title = title or f"{unit.code}-{responsible.code if responsible else 'all'}"
    existing = Campaign.objects.filter(title=title).first()
    return existing or make_plan(unit, title=title, responsible=responsible)


def assignment_for(issuer, owing_unit, *, with_evidence=False):
    campaign = plan_for(issuer, responsible=owing_unit)
    assignment = MilestoneAssignment.objects.filter(milestone__campaign=campaign, unit=owing_unit).first()
    if with_evidence and not assignment.evidence:
        assignment.completed_on = campaign.start_date
        assignment.evidence.save("scan.pdf", ContentFile(PDF_BYTES), save=True)
    return assignment
