"""Building pledges for tests through the public services (the only writers)."""

import datetime

from django.utils import timezone

from pledges.models import Pledge
from tests.factories import PledgeFactory, build_campaign, pledge_category

# Deadlines typed into a form now: a new deadline may not be in the past (validate_pledge_deadline).
NEXT_YEAR = timezone.localdate().year + 1


def make_campaign(world, **fields):
    existing = getattr(world, "_pledge_campaign", None)
    if existing is not None and not fields:
        return existing
    values = {"title": "深入基层、服务群众主题活动", "document_number": "测妇发[2026]9号"}
    values.update(fields)
    campaign = build_campaign(values.pop("issuing_unit", world.city), **values)
    if not fields:
        world._pledge_campaign = campaign
    return campaign


def category(code="pairing_support"):
    return pledge_category(code)


def pledge_fields(world, unit, **overrides):
    fields = {
        "campaign": make_campaign(world),
        "org_unit": unit,
        "category": category(),
        "title": f"{unit.name}妇女之家修缮",
        "content": "修缮妇女之家活动室，添置图书。",
        "target": "活动室对外开放，每周开放三天。",
        "deadline": datetime.date(2026, 6, 30),
        "responsible_unit": unit,
        "responsible_person": None,
        "measures": "争取经费；联系施工；组织验收。",
        "audience": Pledge.Audience.BOTH,
        "recipients": "",
        "visibility": Pledge.Visibility.PUBLIC,
        "origin_kind": Pledge.OriginKind.NONE,
        "origin_object_id": None,
        "origin_note": "",
    }
    fields.update(overrides)
    return fields


def make_pledge(world, unit, state="published", *, progress=(), **overrides):
    """A pledge of ``unit`` in approval ``state``; ``progress`` = [(date, percent, note), ...]."""
    return PledgeFactory(
        actor=world.superuser, state=state, progress=progress, **pledge_fields(world, unit, **overrides)
    )


def cached_pledge(world, key, unit, state="published", **overrides):
    """One pledge per key per world: the URL matrix asks for the same object many times."""
    cache = world.__dict__.setdefault("_pledges", {})
    if key not in cache:
        cache[key] = make_pledge(world, unit, state, **overrides)
    return cache[key]
