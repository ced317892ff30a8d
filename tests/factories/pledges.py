"""Pledges, built through their services (the only writers): a draft filed, then taken through approval."""

import datetime

import factory

from pledges.models import Pledge, PledgeCategory
from pledges.services import pledge_create, pledge_report_progress, pledge_transition

from .campaigns import CampaignFactory
from .org import OrgUnitFactory, UserFactory

# The order approval takes a pledge through, and the step that reaches each state.
_STEPS = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "approved": ["submit", "approve"],
    "published": ["submit", "approve", "publish"],
}


def pledge_category(code="pairing_support"):
    """A category row; re-created if a transactional (browser) test flushed the migration's rows."""
    from importlib import import_module

    names = {c: n for c, n, _o in import_module("ledgers.migrations.0005_seed_pledge_categories").CATEGORIES}
    return PledgeCategory.objects.get_or_create(code=code, defaults={"name": names[code]})[0]


class PledgeFactory(factory.django.DjangoModelFactory):
    """A pledge of ``org_unit`` filed by ``actor`` (a superuser unless given) and taken to ``state``
    (draft, submitted, returned, approved, published) through pledges.services; ``progress`` is a
    list of (date, percent, note) reported after approval."""

    class Meta:
        model = Pledge

    # Not fields: who files it, how far approval goes, the progress reported (taken by _create).
    actor = factory.SubFactory(UserFactory, is_superuser=True, is_staff=True)
    state = "published"
    progress = ()
    filed_on = datetime.date(2026, 1, 5)

    campaign = factory.SubFactory(CampaignFactory)
    org_unit = factory.SubFactory(
        OrgUnitFactory, kind="village", parent=factory.SelfAttribute("..campaign.issuing_unit")
    )
    category = factory.LazyFunction(pledge_category)
    title = factory.LazyAttribute(lambda o: f"{o.org_unit.name}妇女之家修缮")
    content = "修缮妇女之家活动室，添置图书。"
    target = "活动室对外开放，每周开放三天。"
    deadline = datetime.date(2026, 6, 30)
    responsible_unit = factory.LazyAttribute(lambda o: o.org_unit)
    responsible_person = None
    measures = "争取经费；联系施工；组织验收。"
    audience = Pledge.Audience.BOTH
    recipients = ""
    visibility = Pledge.Visibility.PUBLIC
    origin_kind = Pledge.OriginKind.NONE
    origin_object_id = None
    origin_note = ""

    @classmethod
    def _create(cls, model_class, *args, actor, state, progress, filed_on, **fields):
        pledge, _created = pledge_create(filed_on=filed_on, user=actor, fields=fields)
        for step in _STEPS[state]:
            comment = "请补充措施" if step == "return" else ""
            pledge = pledge_transition(pledge=pledge, user=actor, action=step, comment=comment)
        for reported_on, percent, note in progress:
            pledge_report_progress(pledge=pledge, user=actor, reported_on=reported_on, percent=percent, note=note)
        pledge.refresh_from_db()
        return pledge
