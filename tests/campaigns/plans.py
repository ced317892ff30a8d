"""Building campaign plans for tests: a campaign with phases, numbered steps and owed rows."""

import datetime

from django.core.files.base import ContentFile

from campaigns.models import Campaign, MilestoneAssignment
from tests.factories import build_campaign
from tests.factories.campaigns import END, START

D = datetime.date
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_plan(unit, *, title=None, kinds=None, start=START, end=END, steps=3, responsible=None):
    """A draft campaign issued by ``unit`` with two phases and ``steps`` steps, owed rows synced."""
    return build_campaign(
        unit,
        title=title,
        status=Campaign.Status.DRAFT,
        start=start,
        end=end,
        participating_kinds=kinds if kinds is not None else [],
        phases=[
            ("走访调研、汇集民情", start, start + datetime.timedelta(days=45)),
            ("公开承诺、为民办事", start + datetime.timedelta(days=46), end),
        ],
        steps=steps,
        responsible=responsible,
    )


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
