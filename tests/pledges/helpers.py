"""Building pledges for tests through the public services (the only writers)."""

import datetime

from django.utils import timezone

from pledges.models import Pledge, PledgeCategory
from pledges.services import pledge_create, pledge_report_progress, pledge_transition
from tests.factories import build_campaign

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
    """A category row; re-created if a transactional (browser) test flushed the migration's rows."""
    from importlib import import_module

    names = {c: n for c, n, _o in import_module("ledgers.migrations.0005_seed_pledge_categories").CATEGORIES}
    return PledgeCategory.objects.get_or_create(code=code, defaults={"name": names[code]})[0]


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
    pledge, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5), user=world.superuser, fields=pledge_fields(world, unit, **overrides)
    )
    if state == "draft":
        return pledge
    pledge = pledge_transition(pledge=pledge, user=world.superuser, action="submit")
    if state == "submitted":
        return pledge
    if state == "returned":
        return pledge_transition(pledge=pledge, user=world.superuser, action="return", comment="请补充措施")
    pledge = pledge_transition(pledge=pledge, user=world.superuser, action="approve")
    if state == "published":
        pledge = pledge_transition(pledge=pledge, user=world.superuser, action="publish")
    for reported_on, percent, note in progress:
        pledge_report_progress(pledge=pledge, user=world.superuser, reported_on=reported_on, percent=percent, note=note)
    pledge.refresh_from_db()
    return pledge


def cached_pledge(world, key, unit, state="published", **overrides):
    """One pledge per key per world: the URL matrix asks for the same object many times."""
    cache = world.__dict__.setdefault("_pledges", {})
    if key not in cache:
        cache[key] = make_pledge(world, unit, state, **overrides)
    return cache[key]
