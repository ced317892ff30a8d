"""Shaped reads for the ledger pages; every one goes through the scoping helper."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum

from core import dates
from core.scoping import get_for_user_or_404, scope_for_user, user_profile
from org.models import Cadre, OrgUnit
from outreach.models import Household, Pairing
from outreach.selectors import units_for_filter  # noqa: F401

from .models import Demand, DemandEvent, HelpGiven, Visit

SEARCH_LIMIT = 15
OPEN = [Demand.Status.RECEIVED, Demand.Status.ON_LEDGER, Demand.Status.IN_PROGRESS]


def cadre_for_user(user) -> Cadre | None:
    """The user's own cadre with its unit (the read the scoping makes anyway, shared)."""
    return user_profile(user)


def household_search_for_user(*, user, q: str, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Households matching what was typed: name, household number, address or phone tail.

    Served on PostgreSQL by the indexes of migration ledgers 0003: short input (1–2 characters)
    is a prefix match on name and number (btree pattern ops); from three characters on, name
    and address "contain" it and a phone "ends with" it (pg_trgm GIN). ``contains`` rather than
    ``icontains``: Chinese has no case and UPPER() would defeat the trigram index.
    """
    q = (q or "").strip()
    if not q:
        return []
    condition = Q(head_name__startswith=q) | Q(number__startswith=q)
    if len(q) >= 3:
        condition |= Q(head_name__contains=q) | Q(address__contains=q)
        if q.isdigit():
            condition |= Q(phone__endswith=q)
    households = scope_for_user(Household.objects.all(), user).filter(condition).select_related("village")
    return list(households.order_by("head_name", "id")[:limit])


def pairings_for_cadre(*, cadre: Cadre | None, user) -> list[Pairing]:
    """The cadre's own active pairings (shown on top of the entry page)."""
    if cadre is None:
        return []
    pairings = scope_for_user(Pairing.objects.all(), user).filter(cadre=cadre, is_active=True)
    return list(
        pairings.select_related("household", "household__village", "member").order_by("household__head_name")[:30]
    )


def last_method_for_cadre(cadre: Cadre | None) -> str | None:
    if cadre is None:
        return None
    return Visit.objects.filter(cadre=cadre).order_by("-created_at", "-id").values_list("method", flat=True).first()


def recent_visits_for_cadre(*, cadre: Cadre | None, limit: int = 5) -> list[Visit]:
    if cadre is None:
        return []
    return list(
        Visit.objects.filter(cadre=cadre)
        .select_related("household", "household__village")
        .annotate(demand_count=Count("demands"))
        .order_by("-created_at", "-id")[:limit]
    )


def visit_entry_page(*, user, cadre: Cadre | None, picked: Household | None = None, household_id=None) -> dict:
    """What the visit-entry page shows around its form: the chosen household and its members,
    the cadre's own pairings and recent visits.

    ``household_id`` (the 录入走访 link of a household's page) preselects a household when none is
    chosen yet; 404 when it is outside the user's subtree.
    """
    if picked is None and household_id is not None:
        picked = get_for_user_or_404(Household.objects.select_related("village"), user, pk=household_id)
    return {
        "picked": picked,
        "picked_members": list(picked.members.all()) if picked else [],
        "pairings": pairings_for_cadre(cadre=cadre, user=user),
        "recent": recent_visits_for_cadre(cadre=cadre),
        "cadre": cadre,
    }


def _visit_shape(visits):
    return visits.select_related("cadre", "household", "household__village", "member", "campaign").prefetch_related(
        Prefetch("help_items", queryset=HelpGiven.objects.order_by("id")), "photos"
    )


def visit_defaults_after(*, user, pk) -> dict:
    """The entry form's defaults after "save and add another": the previous visit's method,
    ledger book, campaign, date and cadre. Empty when ``pk`` is not a visit the user sees."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return {}
    fields = ("method", "ledger_book", "campaign", "visited_on", "cadre")
    values = scope_for_user(Visit.objects.filter(pk=pk), user).values(*fields).first()
    return values or {}


def visit_get_for_user(*, user, pk: int) -> Visit:
    """One visit the user may see, shaped for its page (its demands too); 404 otherwise."""
    visits = visit_list_for_user(user=user).prefetch_related("demands__category")
    return get_for_user_or_404(visits, user, pk=pk)


def visit_list_for_user(*, user, filters: dict | None = None):
    """Visits in the user's subtree, newest first, with help and photos prefetched."""
    filters = filters or {}
    visits = scope_for_user(Visit.objects.all(), user)
    if filters.get("unit") is not None:
        visits = visits.filter(filters["unit"].subtree_q("household__village__"))
    if filters.get("book"):
        visits = visits.filter(ledger_book=filters["book"])
    if filters.get("method"):
        visits = visits.filter(method=filters["method"])
    if filters.get("date_from"):
        visits = visits.filter(visited_on__gte=filters["date_from"])
    if filters.get("date_to"):
        visits = visits.filter(visited_on__lte=filters["date_to"])
    if filters.get("cadre") is not None:
        visits = visits.filter(cadre=filters["cadre"])
    if filters.get("q"):
        visits = visits.filter(Q(household__head_name__startswith=filters["q"]) | Q(learned__contains=filters["q"]))
    return _visit_shape(visits).order_by("-visited_on", "-id")


def cadre_diary(*, user, cadre: Cadre, first: datetime.date, last: datetime.date):
    """The cadre's 民情日记 for one month: visits oldest first, with demands raised on them."""
    visits = scope_for_user(Visit.objects.all(), user).filter(cadre=cadre, visited_on__range=(first, last))
    return _visit_shape(visits).prefetch_related("demands").order_by("visited_on", "id")


@dataclass
class TimelineEntry:
    on: datetime.date
    kind: str  # "visit" | "demand"
    obj: object


def household_timeline(*, user, household: Household) -> list[TimelineEntry]:
    """Visits (with help given) and demands of one household, newest first: three queries."""
    visits = _visit_shape(Visit.objects.filter(household=household))
    demands = scope_for_user(Demand.objects.filter(household=household), user).select_related(
        "category", "responsible_unit", "responsible_person"
    )
    entries = [TimelineEntry(v.visited_on, "visit", v) for v in visits]
    entries += [TimelineEntry(d.received_on, "demand", d) for d in demands]
    entries.sort(key=lambda e: (e.on, e.kind == "visit", e.obj.pk), reverse=True)
    return entries


def household_help_total(household: Household):
    return HelpGiven.objects.filter(visit__household=household).aggregate(total=Sum("amount"), count=Count("id"))


def demand_list_for_user(*, user, filters: dict | None = None):
    """Demands in the user's subtree, shaped for the list and the export."""
    filters = filters or {}
    demands = scope_for_user(Demand.objects.all(), user)
    if filters.get("unit") is not None:
        demands = demands.filter(filters["unit"].subtree_q("unit__"))
    if filters.get("status"):
        demands = demands.filter(status=filters["status"])
    if filters.get("category") is not None:
        demands = demands.filter(category=filters["category"])
    if filters.get("source"):
        demands = demands.filter(source=filters["source"])
    if filters.get("overdue"):
        demands = demands.filter(status__in=OPEN, deadline__lt=dates.today())
    if filters.get("q"):
        demands = demands.filter(Q(title__contains=filters["q"]) | Q(person_name__startswith=filters["q"]))
    return demands.select_related(
        "unit", "category", "household", "member", "responsible_unit", "responsible_person", "received_by"
    ).order_by("-received_on", "-id")


def demand_detail(*, user, pk: int):
    """One demand the user may see, shaped for its page; 404 otherwise."""
    queryset = Demand.objects.select_related(
        "unit",
        "category",
        "household",
        "household__village",
        "member",
        "visit",
        "forum",
        "reception_day",
        "received_by",
        "coordinator",
        "responsible_unit",
        "responsible_person",
        "escalated_to",
        "closed_by__cadre",
        "campaign",
    )
    return get_for_user_or_404(queryset, user, pk=pk)


def demand_owner_choices(*, user, unit: OrgUnit | None):
    """Cadres who may finish a demand owned by ``unit``: those of the unit and below it, in scope."""
    if unit is None:
        return Cadre.objects.none()
    cadres = Cadre.objects.select_related("org_unit").filter(unit.subtree_q("org_unit__"))
    return scope_for_user(cadres, user).order_by("org_unit__path", "name")


def demand_events(demand: Demand):
    """The demand's history with readable labels for its actions and states."""
    from .demand_flow import ACTION_LABELS

    statuses = dict(Demand.Status.choices)
    events = list(DemandEvent.objects.filter(demand=demand).select_related("actor__cadre").order_by("at", "id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = statuses.get(event.from_status, "")
        event.to_label = statuses.get(event.to_status, "")
    return events


@dataclass
class ChaseLists:
    no_owner: list
    overdue: list
    unreplied: list
    escalated: list
    counts: dict


def demand_chase_for_unit(*, user, unit: OrgUnit, limit: int = 50) -> ChaseLists:
    """The three things a leader must chase in ``unit``'s subtree, and what was escalated to it.

    No owner: open demands nobody must finish (no responsible person). Past deadline: open
    demands whose deadline has passed. Resolved but not replied: 事事有回音 is still owed.
    """
    today = dates.today()
    base = scope_for_user(Demand.objects.all(), user).filter(unit.subtree_q("unit__"))
    shape = ("unit", "category", "responsible_unit", "responsible_person", "household")
    no_owner_q = Q(status__in=OPEN, responsible_person__isnull=True)
    overdue_q = Q(status__in=OPEN, deadline__lt=today)
    unreplied_q = Q(status=Demand.Status.RESOLVED)
    counts = base.aggregate(
        no_owner=Count("id", filter=no_owner_q),
        overdue=Count("id", filter=overdue_q),
        unreplied=Count("id", filter=unreplied_q),
    )
    escalated = scope_for_user(Demand.objects.all(), user).filter(
        escalated_to=unit, status__in=OPEN, escalated_at__isnull=False
    )
    counts["escalated"] = None
    lists = {
        "no_owner": base.filter(no_owner_q).order_by("received_on", "id"),
        "overdue": base.filter(overdue_q).order_by("deadline", "id"),
        "unreplied": base.filter(unreplied_q).order_by("resolved_on", "id"),
        "escalated": escalated.order_by("deadline", "id"),
    }
    shaped = {k: list(v.select_related(*shape)[:limit]) for k, v in lists.items()}
    counts["escalated"] = len(shaped["escalated"])
    return ChaseLists(counts=counts, **shaped)


def ledger_book_visits(*, user, unit: OrgUnit, book: str, first: datetime.date, last: datetime.date, q: str = ""):
    """One of the four books of ``unit`` for a period: visits of that book, oldest first."""
    visits = visit_list_for_user(
        user=user, filters={"unit": unit, "book": book, "date_from": first, "date_to": last, "q": q}
    )
    return visits.annotate(has_demand=Exists(Demand.objects.filter(visit=OuterRef("pk")))).order_by("visited_on", "id")


def cadres_for_user(*, user):
    return scope_for_user(Cadre.objects.all(), user).select_related("org_unit")
