"""Campaign plans: the campaign, its phases, numbered steps and requirements, and the one builder."""

import datetime

import factory

from campaigns import services
from campaigns.models import Campaign, Milestone, Phase, Requirement

from .org import OrgUnitFactory

D = datetime.date
START, END = D(2026, 3, 1), D(2026, 11, 30)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A running (active) campaign, March to November 2026; say ``status=`` for a draft or a closed one."""

    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"测试方案{n}")
    issuing_unit = factory.SubFactory(OrgUnitFactory, kind="city")
    start_date = START
    end_date = END
    status = Campaign.Status.ACTIVE


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    campaign = factory.SubFactory(CampaignFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.order}阶段")
    start_date = factory.LazyAttribute(lambda o: o.campaign.start_date)
    end_date = factory.LazyAttribute(lambda o: o.campaign.end_date)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    campaign = factory.SubFactory(CampaignFactory)
    phase = None
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"环节{o.number}")
    due_date = factory.LazyAttribute(lambda o: o.campaign.end_date)
    responsible_unit = None


class RequirementFactory(factory.django.DjangoModelFactory):
    """A requirement, validated like the plan form validates it (a bad ``params`` raises)."""

    class Meta:
        model = Requirement

    campaign = factory.SubFactory(CampaignFactory)
    kind = Requirement.Kind.VISITS_PER_CADRE
    title = factory.LazyAttribute(lambda o: o.kind)
    params = factory.LazyAttribute(lambda o: {"min": 1} if o.kind == Requirement.Kind.VISITS_PER_CADRE else {})
    scope = Requirement.Scope.ALL_CADRES
    period = Requirement.Period.CAMPAIGN
    unit_kinds = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **fields):
        requirement = model_class(*args, **fields)
        requirement.full_clean()
        requirement.save()
        return requirement


def build_campaign(
    unit,
    *,
    title=None,
    status=Campaign.Status.ACTIVE,
    start=START,
    end=END,
    phases=(),
    steps=0,
    responsible=None,
    requirements=(),
    **fields,
):
    """The one way tests build a campaign plan issued by ``unit``.

    ``phases``: (name, start, end) per phase, in order. ``steps``: that many numbered steps in the
    first phase (step n due start + 10n days, owed by ``responsible`` or every participant), with
    their owed rows synced. ``requirements``: dicts of RequirementFactory fields. ``fields``: any
    other Campaign field (document_number, parent, participating_kinds, ...).
    """
    title = title or f"{unit.name}实施方案"
    campaign = CampaignFactory(title=title, issuing_unit=unit, start_date=start, end_date=end, status=status, **fields)
    made = [
        PhaseFactory(campaign=campaign, order=order, name=name, start_date=begins, end_date=ends)
        for order, (name, begins, ends) in enumerate(phases, start=1)
    ]
    for number in range(1, steps + 1):
        MilestoneFactory(
            campaign=campaign,
            phase=made[0] if made else None,
            number=number,
            name=f"环节{number}",
            due_date=start + datetime.timedelta(days=10 * number),
            responsible_unit=responsible,
        )
    for order, requirement in enumerate(requirements, start=1):
        RequirementFactory(campaign=campaign, order=order, **requirement)
    if steps:
        services.campaign_sync_assignments(campaign=campaign)
    return campaign
