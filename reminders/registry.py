"""The deadline registry: each app says, in ``<app>/deadlines.py``, which of its rows carry a deadline.

A registration is one ``DeadlineKind``; the reminder engine knows nothing else about the app.
Example (``campaigns/deadlines.py``)::

    from reminders.registry import DeadlineKind, register, unit_leaders

    register(DeadlineKind(
        key="campaigns.campaign_end",
        label=_("主题活动结束"),
        queryset=lambda: Campaign.objects.select_related("issuing_unit"),
        open_q=Q(status="active"),
        due_field="end_date",
        unit_field="issuing_unit",
        responsible=unit_leaders,
        subject=lambda c: _("主题活动“%(t)s”将于 %(d)s 结束") % {...},
    ))

``responsible(items)`` answers for a list of items at once ({item.pk: [Cadre, ...]}) so that a
city-wide deadline owed by 3,000 units costs a handful of queries, not one per unit.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from org.leaders import nearest_leaders
from org.models import Cadre, OrgUnit

_REGISTRY: dict[str, "DeadlineKind"] = {}


@dataclass(frozen=True)
class DeadlineKind:
    key: str
    label: str
    queryset: Callable[[], QuerySet]  # every item of the kind, shaped (select_related) for subject()
    due_field: str  # lookup path of the due DateField, e.g. "due_date" or "milestone__due_date"
    unit_field: str  # lookup path of the responsible OrgUnit
    responsible: Callable[[list], dict]  # items -> {item.pk: [Cadre, ...]}
    subject: Callable[[object], str]  # the reminder's title for an item
    open_q: Q = field(default_factory=Q)  # not done: completed items match no open_q
    url: Callable[[object], str] | None = None
    # For "open" that no filter can say (a quota falling short is computed, not stored): items ->
    # the pks still open. Called at sync, at send time and for the digest, only on items whose
    # deadline is within ``horizon_days`` (set it, the check may be costly).
    still_open: Callable[[list], set] | None = None
    horizon_days: int | None = None
    # For deadlines computed from the items rather than stored on them (a quota per cadre per
    # month): (open items, first due, last due, today) -> [ComputedDeadline] still open with a due
    # date in that range. The engine asks only for the dues its rules act on around today.
    # ``due_field`` is then the item's last possible due date (a campaign's end), used to skip
    # finished items; ``responsible``, ``subject``, ``url`` and ``still_open`` are not used.
    compute: Callable[[list, datetime.date, datetime.date, datetime.date], list] | None = None

    def open_items(self) -> QuerySet:
        return self.queryset().filter(self.open_q).filter(**{f"{self.due_field}__isnull": False})

    def filter_open(self, items: list) -> list:
        if self.still_open is None or not items:
            return items
        keep = self.still_open(items)
        return [item for item in items if item.pk in keep]

    def due_of(self, item):
        return _follow(item, self.due_field)

    def unit_of(self, item):
        return _follow(item, self.unit_field)

    def url_of(self, item) -> str:
        return self.url(item) if self.url else ""

    def subject_key(self, pk) -> str:
        return f"{self.key}:{pk}"


@dataclass(frozen=True)
class ComputedDeadline:
    """One computed deadline: e.g. the quota one cadre (or one unit) is short of in one period.

    The reminder's subject is the source item (``source_pk``, a Requirement) and its due date the
    period's end, so "exactly once" holds per person, source, period and stage.
    """

    source_pk: int
    due: datetime.date
    unit: object  # the OrgUnit answering for it
    people: tuple  # the responsible Cadres
    subject: str
    url: str = ""
    topic: str = ""  # the subject without what is personal to this row, for escalations that sum up


def _follow(obj, path: str):
    value = obj
    for part in path.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value


def register(kind: DeadlineKind) -> DeadlineKind:
    """Add a deadline kind; registering the same key again replaces it (module reloads in tests)."""
    _REGISTRY[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def get_kind(key: str) -> DeadlineKind | None:
    return _REGISTRY.get(key)


def all_kinds() -> list[DeadlineKind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.key)


def kind_for_model(model) -> list[DeadlineKind]:
    return [k for k in _REGISTRY.values() if k.queryset().model is model]


def kind_choices() -> list[tuple[str, str]]:
    return [(k.key, str(k.label)) for k in all_kinds()]


# Helpers registrations use: who answers for a unit, and who is above a person.


def unit_leaders_by_unit(units: Iterable) -> dict[int, list]:
    """{unit.pk: [leader cadres of that unit]}; a unit without a leader answers with all its cadres."""
    unit_ids = {u.pk for u in units if u is not None}
    cadres = (
        Cadre.objects.filter(org_unit_id__in=unit_ids, user__is_active=True)
        .select_related("user", "org_unit")
        .order_by("org_unit_id", "-is_leader", "id")
    )
    everyone, leaders = defaultdict(list), defaultdict(list)
    for cadre in cadres:
        everyone[cadre.org_unit_id].append(cadre)
        if cadre.is_leader:
            leaders[cadre.org_unit_id].append(cadre)
    return {uid: leaders.get(uid) or everyone.get(uid, []) for uid in unit_ids}


def unit_leaders_for(unit_field: str) -> Callable[[list], dict]:
    """A ``responsible`` callable: the leaders (else all cadres) of each item's unit."""

    def responsible(items):
        units = [_follow(item, unit_field) for item in items]
        by_unit = unit_leaders_by_unit(units)
        return {item.pk: by_unit.get(unit.pk, []) if unit else [] for item, unit in zip(items, units, strict=True)}

    return responsible


def person_or_unit_leaders(person_field: str, unit_field: str) -> Callable[[list], dict]:
    """A ``responsible`` callable: the item's named person (a Cadre) if set, else its unit's leaders.

    For pledges and demands, whose contract has ``responsible_person`` (nullable) and
    ``responsible_unit``. Select ``<person_field>__org_unit`` in the kind's queryset.
    """
    by_unit = unit_leaders_for(unit_field)

    def responsible(items):
        without_person = by_unit([item for item in items if _follow(item, person_field) is None])
        result = {}
        for item in items:
            person = _follow(item, person_field)
            result[item.pk] = [person] if person is not None else without_person.get(item.pk, [])
        return result

    return responsible


def escalation_targets(cadres: Iterable) -> dict[int, list]:
    """{cadre.pk: [their leaders]}: a leader of the same unit, else of the nearest ancestor unit.

    A leader's own leader sits above their unit, so leaders escalate to the nearest ancestor.
    One query for any number of cadres (``org.leaders.nearest_leaders``).
    """
    steplen = OrgUnit.steplen
    chains = {}
    for cadre in cadres:
        path = cadre.org_unit.path
        top = len(path) // steplen - (1 if cadre.is_leader else 0)
        chains[cadre.pk] = ([path[: steplen * depth] for depth in range(top, 0, -1)], cadre.pk)
    return nearest_leaders(chains)
