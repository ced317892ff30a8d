"""Reads of the household register, pairings and liaison points, shaped for their pages."""

import heapq
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from campaigns.models import Campaign, Requirement
from campaigns.requirements import cadres_bound_q
from campaigns.selectors import campaign_choices_for_user, campaign_family_ids
from core import dates
from core.masking import MASKERS, mask_text
from core.scoping import ancestor_paths, get_for_user_or_404, scope_for_user, sees_everything, user_scope_root
from org.models import Cadre, OrgUnit

from .forum_rules import forum_rules_for, forum_warnings
from .models import Forum, Household, HouseholdCategory, HouseholdMember, ImportJob, LiaisonPoint, Pairing, ReceptionDay
from .panels import column_values, reach_conditions, with_list_columns

# Categories that make a household a "困难群众" household for 结穷亲 (plans 000 and 002: 副处级以上
# cadres pair with at least one hardship household).
HARDSHIP_CATEGORY_CODES = ("tekun", "guchan_pinkun", "kunnan_qunzhong")
MUST_VISIT_GROUPS = (HouseholdCategory.Group.FIVE_MUST, HouseholdCategory.Group.SIX_MUST)


@dataclass(frozen=True)
class PairingRule:
    """One minimum of pairings per cadre in a campaign (a pairings_per_cadre requirement).

    It binds the cadres of ``scope`` (a Requirement scope: all cadres, leaders, principals,
    senior) working at a level in ``unit_kinds`` (any level when empty). A pairing counts if it
    is active and has started, its kind is in ``kinds`` (any kind when empty), its member carries
    ``member_flag`` (is_poor_woman / is_poor_child) and its household is in one of
    ``household_categories`` (by code), when those are set.
    """

    key: str
    label: str
    minimum: int
    scope: str = "all_cadres"
    kinds: tuple[str, ...] = ()
    member_flag: str = ""
    household_categories: tuple[str, ...] = ()
    unit_kinds: tuple[str, ...] = ()

    @property
    def senior_only(self) -> bool:
        return self.scope == "senior"

    @property
    def leaders_only(self) -> bool:
        return self.scope in ("leaders", "principals")

    @classmethod
    def from_requirement(cls, requirement, key: str = "rule_0") -> "PairingRule":
        params = requirement.params or {}
        return cls(
            key=key,
            label=requirement.title,
            minimum=int(params.get("min", 1)),
            scope=requirement.scope,
            kinds=tuple(params.get("pairing_kinds") or ()),
            member_flag=params.get("member_flag") or "",
            household_categories=tuple(params.get("household_categories") or ()),
            unit_kinds=tuple(requirement.unit_kinds or ()),
        )

    def binds_q(self) -> Q:
        """The cadres this rule binds, as a filter on Cadre (the plan's reading of the scope)."""
        return cadres_bound_q(self.scope, self.unit_kinds)

    def count(self, *, family: list[int], as_of) -> Count:
        """How far a cadre is with this rule, as an aggregate over Cadre.

        The plans count people helped, not records: "至少联系1户困难群众" (历下妇发[2011]9号,
        济南市档案局 2011) counts households, "结对联系并帮扶一名贫困妇女、一名贫困儿童"
        (滨妇发[2012]15号) counts persons. So distinct households, or distinct members for a
        member rule: a household paired twice (结穷亲 and 帮扶) is one household. Pairings
        recorded under any plan of the campaign's family count; one that starts after
        ``as_of`` does not yet.
        """
        counted = Q(pairings__campaign_id__in=family, pairings__is_active=True, pairings__start_date__lte=as_of)
        if self.kinds:
            counted &= Q(pairings__kind__in=self.kinds)
        if self.member_flag:
            counted &= Q(**{f"pairings__member__{self.member_flag}": True})
        if self.household_categories:
            # A join, not `household_id IN (subquery)`: inside an aggregate's FILTER PostgreSQL
            # cannot make a sub-select a join and, once the categorised households outgrow
            # work_mem, re-runs it for every pairing. The join may repeat a pairing per category,
            # which the distinct count absorbs.
            counted &= Q(pairings__household__categories__code__in=self.household_categories)
        what = "pairings__member" if self.member_flag else "pairings__household"
        return Count(what, filter=counted, distinct=True)


def pairing_counts(cadres: QuerySet, *, rule: PairingRule, family: list[int], as_of) -> dict[int, int]:
    """{cadre pk: how far they are with ``rule``} for a queryset of cadres, in one query.

    The one count of pairings per cadre: requirement scoring (the plan page, the quota
    reminders) and the pairing-status page all read it.
    """
    return dict(cadres.order_by().annotate(n=rule.count(family=family, as_of=as_of)).values_list("pk", "n"))


# The plans' figures, used when the campaign has no pairings_per_cadre requirement rows:
# 副处级以上 cadres ≥1 hardship household (历下妇发[2011]9号; 济南市档案局 2011), every cadre one
# poor woman and one poor child (滨妇发[2012]15号).
DEFAULT_PAIRING_RULES = (
    PairingRule(
        key="rule_0",
        label=_lazy("联系困难群众户（结穷亲）"),
        minimum=1,
        scope="senior",
        kinds=("poor_kin", "support"),
        household_categories=HARDSHIP_CATEGORY_CODES,
    ),
    PairingRule(key="rule_1", label=_lazy("贫困妇女"), minimum=1, member_flag="is_poor_woman"),
    PairingRule(key="rule_2", label=_lazy("贫困儿童"), minimum=1, member_flag="is_poor_child"),
)


def pairing_rules_for(*, campaign: Campaign | None) -> tuple[PairingRule, ...]:
    """The pairing minimums of ``campaign``: its pairings_per_cadre requirements (or those of
    the plan it implements) when there are any, else DEFAULT_PAIRING_RULES."""
    if campaign is None:
        return DEFAULT_PAIRING_RULES
    # The campaign's own rules, else those of the plan it implements (a county's copy of the
    # city plan carries the same requirements; cascaded children are not read, or rules repeat).
    node, rows = campaign, []
    seen_ids = set()
    while node is not None and node.pk not in seen_ids:
        seen_ids.add(node.pk)
        rows = list(Requirement.objects.filter(campaign=node, kind="pairings_per_cadre").order_by("order", "id"))
        if rows:
            break
        node = Campaign.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    rules, signatures = [], set()
    for requirement in rows:
        rule = PairingRule.from_requirement(requirement, key=f"rule_{len(rules)}")
        signature = (rule.minimum, rule.scope, rule.kinds, rule.member_flag, rule.household_categories)
        signature += (rule.unit_kinds,)
        if signature not in signatures:
            signatures.add(signature)
            rules.append(rule)
    return tuple(rules) or DEFAULT_PAIRING_RULES


# --- org units, cadres, campaigns the user may pick -------------------------------------------


def villages_for_user(*, user) -> QuerySet:
    return scope_for_user(OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE), user).order_by("path")


def townships_for_user(*, user) -> QuerySet:
    """Townships the user may act on: the ones in their subtree, or their own township's."""
    return scope_for_user(OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP), user).order_by("path")


def cadres_for_user(*, user) -> QuerySet:
    return scope_for_user(Cadre.objects.select_related("org_unit"), user).order_by("org_unit__path", "name")


def campaigns_for_user(*, user, active_only: bool = False) -> QuerySet:
    """Real campaigns the user may see (the shipped plan templates are not pairable); pairing,
    bulk pairing and imports pass ``active_only``: new work goes under running campaigns only."""
    return campaign_choices_for_user(user=user, active_only=active_only)


def campaign_family(campaign: Campaign) -> list[int]:
    """The campaign with the plans it implements and those cascaded from it: a county cadre's
    pairing under the county's copy of the city plan counts for the city plan too."""
    return campaign_family_ids(campaign)


def default_campaign_for_user(*, user) -> Campaign | None:
    campaigns = campaigns_for_user(user=user)
    return campaigns.filter(status=Campaign.Status.ACTIVE).first() or campaigns.first()


def user_unit(user) -> OrgUnit | None:
    """The importer's / actor's subtree root; None for the superuser (everything)."""
    return None if sees_everything(user) else user_scope_root(user)


# --- households -------------------------------------------------------------------------------


# Shortest text a trigram index can serve (pg_trgm splits text into three-character pieces).
TRIGRAM_MIN = 3
SMALL_SUBTREE_KINDS = (OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.VILLAGE)


def _small_subtree(user) -> bool:
    """Whether the user sees one township or less, small enough to scan for a short search."""
    if sees_everything(user):
        return False
    root = user_scope_root(user)
    return root is not None and root.kind in SMALL_SUBTREE_KINDS


def household_list_for_user(*, user, village=None, category=None, q: str = "") -> QuerySet:
    """Households in the user's subtree, filtered, with village and categories loaded.

    ``q`` matches the head's name from its start or the exact household number; it also matches
    inside the name and the address from three characters on, and from one character on when the
    search covers a township or less (the user's subtree, or one chosen village).
    """
    households = scope_for_user(Household.objects.all(), user)
    if village is not None:
        households = households.filter(village=village)
    if category is not None:
        # EXISTS, not a join: a join over the M2M would need DISTINCT on a million rows.
        through = Household.categories.through
        households = households.filter(
            Exists(through.objects.filter(household_id=OuterRef("pk"), householdcategory_id=category.pk))
        )
    q = (q or "").strip()
    if q:
        condition = Q(head_name__startswith=q) | Q(number=q)
        if len(q) >= TRIGRAM_MIN or village is not None or _small_subtree(user):
            # From three characters the pg_trgm GIN indexes (ledgers migration 0003) serve
            # "contains"; shorter text has no trigram, so it is a scan, allowed only over one
            # township or village (a few thousand rows), never over a county's million.
            condition |= Q(head_name__contains=q) | Q(address__contains=q)
        households = households.filter(condition)
    # (village, number) is the unique index: the first page is read from it instead of sorting
    # the whole subtree by the village's path.
    return households.select_related("village").prefetch_related("categories").order_by("village_id", "number")


def household_get_for_user(*, user, pk: int) -> Household:
    """One household with village, categories, members and pairings; 404 outside the subtree."""
    queryset = Household.objects.select_related("village").prefetch_related(
        "categories",
        "members",
        Prefetch(
            "pairings",
            queryset=Pairing.objects.select_related("cadre", "campaign", "member").order_by(
                "-is_active", "-start_date"
            ),
        ),
    )
    return get_for_user_or_404(queryset, user, pk=pk)


def member_get_for_user(*, user, pk: int) -> HouseholdMember:
    return get_for_user_or_404(HouseholdMember.objects.select_related("household__village"), user, pk=pk)


# --- pairings and liaison points --------------------------------------------------------------


def pairing_list_for_user(*, user, campaign=None, kind: str = "", cadre=None, active: str = "") -> QuerySet:
    pairings = scope_for_user(Pairing.objects.all(), user)
    if campaign is not None:
        pairings = pairings.filter(campaign=campaign)
    if kind:
        pairings = pairings.filter(kind=kind)
    if cadre is not None:
        pairings = pairings.filter(cadre=cadre)
    if active in ("1", "0"):
        pairings = pairings.filter(is_active=active == "1")
    # The campaign's issuing unit: the export names each campaign by it (campaign_label).
    return pairings.select_related("cadre__user", "household__village", "member", "campaign__issuing_unit").order_by(
        "-start_date", "id"
    )


def pairing_get_for_user(*, user, pk: int) -> Pairing:
    return get_for_user_or_404(
        Pairing.objects.select_related("cadre", "household__village", "member", "campaign"), user, pk=pk
    )


def liaison_list_for_user(*, user, campaign=None) -> QuerySet:
    points = scope_for_user(LiaisonPoint.objects.all(), user)
    if campaign is not None:
        points = points.filter(campaign=campaign)
    return points.select_related("village", "leader", "unit", "campaign").order_by("village__path", "id")


# --- the unit's pairing status page -----------------------------------------------------------


def cadres_below_pairing_requirement(*, unit: OrgUnit, campaign: Campaign, rules, as_of=None) -> QuerySet:
    """Cadres of ``unit``'s subtree short of any of ``rules`` in ``campaign`` (today by default).

    Each cadre is annotated with one count per rule, named by the rule's ``key`` (the count
    scoring uses, ``PairingRule.count``), and with ``<key>_binds``: whether the rule binds them.
    Only cadres in the branch of the campaign's issuing unit are bound, as on the plan page.
    """
    as_of = as_of or dates.today()
    family = campaign_family(campaign)
    annotations = {}
    short = Q(pk__in=[])
    for rule in rules:
        annotations[rule.key] = rule.count(family=family, as_of=as_of)
        binds = rule.binds_q()
        # Annotated, not filtered: the flag sits in GROUP BY, so HAVING may read it on PostgreSQL.
        annotations[f"{rule.key}_binds"] = (
            Case(When(binds, then=Value(True)), default=Value(False), output_field=BooleanField())
            if binds
            else Value(True, output_field=BooleanField())
        )
        short |= Q(**{f"{rule.key}__lt": rule.minimum, f"{rule.key}_binds": True})
    cadres = Cadre.objects.filter(unit.subtree_q("org_unit__"))
    if campaign.issuing_unit_id is not None:
        cadres = cadres.filter(campaign.issuing_unit.subtree_q("org_unit__"))
    cadres = cadres.annotate(**annotations)
    return cadres.filter(short).select_related("org_unit").order_by("org_unit__path", "name")


def pairing_status_rows(*, cadres, rules) -> list[dict]:
    """Table rows for the status page: each cadre with (count, owed, short) per rule."""
    rows = []
    for cadre in cadres:
        cells = []
        for rule in rules:
            applies = getattr(cadre, f"{rule.key}_binds")
            count = getattr(cadre, rule.key)
            cells.append({"count": count, "applies": applies, "short": applies and count < rule.minimum})
        rows.append({"cadre": cadre, "cells": cells})
    return rows


def must_visit_households_unreached(*, unit: OrgUnit, campaign: Campaign) -> QuerySet:
    """Must-visit (五必访/六必访) households of ``unit``'s subtree with no active pairing in
    ``campaign`` and not reached otherwise (no visit at all: the condition ledgers registers)."""
    through = Household.categories.through
    family = campaign_family(campaign)
    households = Household.objects.filter(unit.subtree_q("village__")).filter(
        Exists(through.objects.filter(household_id=OuterRef("pk"), householdcategory__group__in=MUST_VISIT_GROUPS)),
        ~Exists(Pairing.objects.filter(household_id=OuterRef("pk"), campaign_id__in=family, is_active=True)),
    )
    for reached in reach_conditions():
        households = households.filter(~reached)
    return households.select_related("village").prefetch_related("categories").order_by("village__path", "number")


# --- bulk assignment and auto-suggest ---------------------------------------------------------


def households_for_assignment(*, user, village=None, category=None, campaign=None, unpaired_only=True) -> QuerySet:
    households = household_list_for_user(user=user, village=village, category=category)
    if unpaired_only and campaign is not None:
        households = households.filter(
            ~Exists(Pairing.objects.filter(household_id=OuterRef("pk"), campaign=campaign, is_active=True))
        )
    return households


@dataclass
class Suggestion:
    household: Household
    cadre: Cadre
    load_after: int


def pairing_suggestions(*, township: OrgUnit, campaign: Campaign, limit: int = 300) -> list[Suggestion]:
    """A balanced proposal: unpaired must-visit households of ``township`` each given to the
    township's least-loaded cadre (active pairings in ``campaign``), ties by cadre id."""
    households = list(must_visit_households_unpaired(unit=township, campaign=campaign)[:limit])
    cadres = list(
        Cadre.objects.filter(township.subtree_q("org_unit__"))
        .annotate(load=Count("pairings", filter=Q(pairings__campaign=campaign, pairings__is_active=True)))
        .select_related("org_unit")
        .order_by("pk")
    )
    if not cadres:
        return []
    by_id = {c.pk: c for c in cadres}
    heap = [(c.load, c.pk) for c in cadres]
    heapq.heapify(heap)
    proposal = []
    for household in households:
        load, cadre_id = heapq.heappop(heap)
        proposal.append(Suggestion(household=household, cadre=by_id[cadre_id], load_after=load + 1))
        heapq.heappush(heap, (load + 1, cadre_id))
    return proposal


def must_visit_households_unpaired(*, unit: OrgUnit, campaign: Campaign) -> QuerySet:
    through = Household.categories.through
    return (
        Household.objects.filter(unit.subtree_q("village__"))
        .filter(
            Exists(through.objects.filter(household_id=OuterRef("pk"), householdcategory__group__in=MUST_VISIT_GROUPS)),
            ~Exists(Pairing.objects.filter(household_id=OuterRef("pk"), campaign=campaign, is_active=True)),
        )
        .select_related("village")
        .prefetch_related("categories")
        .order_by("village__path", "number")
    )


# --- imports ----------------------------------------------------------------------------------


def import_job_list_for_user(*, user) -> QuerySet:
    return scope_for_user(ImportJob.objects.all(), user).select_related("uploaded_by", "campaign").order_by("-id")


def import_job_get_for_user(*, user, pk: int) -> ImportJob:
    return get_for_user_or_404(ImportJob.objects.select_related("campaign"), user, pk=pk)


def import_job_stalled(*, job: ImportJob) -> bool:
    """Whether a running job has shown no sign of life for the stale period (its worker died):
    the page says it will be retried, then failed, instead of a bar that does not move."""
    from .services import import_job_stale_after

    return job.is_running and job.updated_at < timezone.now() - import_job_stale_after()


def import_job_get_own(*, user, pk: int) -> ImportJob:
    """A job the user uploaded, within their subtree; 404 otherwise (its rows are theirs only)."""
    job = import_job_get_for_user(user=user, pk=pk)
    if job.uploaded_by_id != user.pk:
        raise Http404
    return job


def import_job_changes(*, job: ImportJob, show_personal: bool) -> tuple[list[dict], bool]:
    """The preview's "what changes" rows, personal values masked unless ``show_personal``.

    Returns (rows, whether any unmasked personal value is in them).
    """
    # Address and notes are free text: numbers typed into them are masked like the phone.
    maskers = {**MASKERS, "address": mask_text, "notes": mask_text}
    rows, unmasked = [], False
    for change in (job.summary or {}).get("changes", []):
        fields = []
        for item in change.get("fields", []):
            masker = maskers.get(item.get("key"))
            old, new = item.get("old", ""), item.get("new", "")
            if masker is not None:
                if show_personal:
                    unmasked = unmasked or bool(old or new)
                else:
                    old, new = masker(old), masker(new)
            fields.append({"header": item.get("header", ""), "old": old, "new": new})
        rows.append({"row": change.get("row"), "label": change.get("label", ""), "fields": fields})
    return rows, unmasked


def _masked_value(value: str, show_personal: bool) -> tuple[str, bool]:
    """A value read from an ID or phone cell, masked unless ``show_personal``; (text, unmasked)."""
    if show_personal:
        return value, bool(value)
    return mask_text(value), False


def import_job_errors(*, job: ImportJob, show_personal: bool) -> tuple[list[dict], bool]:
    """The job's bad cells with the value read from the file, ID and phone values masked unless
    ``show_personal``. Returns (errors, whether any unmasked personal value is in them)."""
    rows, unmasked = [], False
    for error in job.errors or []:
        value = error.get("value", "")
        if value and error.get("personal"):
            value, shown = _masked_value(value, show_personal)
            unmasked = unmasked or shown
        rows.append(
            {
                "row": error.get("row"),
                "column": error.get("column", ""),
                "reason": error.get("reason", ""),
                "value": value,
            }
        )
    return rows, unmasked


def import_job_notes(*, job: ImportJob, show_personal: bool) -> tuple[list[dict], bool]:
    """The key cells the reader tidied (full width, invisible characters, phones, merges), ID and
    phone values masked unless ``show_personal``. Returns (notes, whether any is unmasked)."""
    rows, unmasked = [], False
    for note in (job.summary or {}).get("normalised", []):
        before, after = note.get("before", ""), note.get("after", "")
        if note.get("personal"):
            before, shown_before = _masked_value(before, show_personal)
            after, shown_after = _masked_value(after, show_personal)
            unmasked = unmasked or shown_before or shown_after
        rows.append({**note, "before": before, "after": after})
    return rows, unmasked


# --- forums and reception days ----------------------------------------------------------------


# A city has thousands of units: the list filters offer a path down the tree, never all of them.
UNIT_PICKER_LIMIT = 200


def units_for_filter(*, user, selected: OrgUnit | None = None) -> list[OrgUnit]:
    """The units a list's unit filter offers: a walk down the tree, not the whole subtree.

    From the user's own unit (the roots for a superuser) down to ``selected``, then the units
    one level below ``selected`` (below the user's unit when none is selected): choosing one and
    filtering again goes a level deeper. One query, at most UNIT_PICKER_LIMIT units, offices
    left out, all in the user's subtree. Each unit carries ``picker_label``: its name indented
    by its depth below the top of the walk, so the picker draws the tree.
    """
    top = selected if selected is not None else (None if sees_everything(user) else user_scope_root(user))
    if top is None:
        below = Q(depth=1)
    else:
        below = Q(path__in=[*ancestor_paths(top), top.path]) | Q(top.subtree_q(), depth=top.depth + 1)
    units = list(
        scope_for_user(OrgUnit.objects.filter(below), user)
        .exclude(Q(kind=OrgUnit.Kind.OFFICE) & ~Q(pk=getattr(top, "pk", None)))
        .order_by("path")[:UNIT_PICKER_LIMIT]
    )
    base = min((unit.depth for unit in units), default=1)
    for unit in units:
        indent = unit.depth - base
        unit.picker_label = "\u00a0\u00a0" * indent + ("└ " if indent else "") + unit.name
    return units


def forum_list_for_user(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    forums = scope_for_user(Forum.objects.all(), user)
    if filters.get("unit") is not None:
        forums = forums.filter(filters["unit"].subtree_q("village__"))
    if filters.get("date_from"):
        forums = forums.filter(held_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        forums = forums.filter(held_at__date__lte=filters["date_to"])
    forums = forums.select_related("village", "campaign").prefetch_related("leading_cadres")
    # The columns other apps add (the demands raised at each forum), in this one query.
    return with_list_columns(forums).order_by("-held_at", "-id")


def reception_day_list_for_user(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    days = scope_for_user(ReceptionDay.objects.all(), user)
    if filters.get("unit") is not None:
        days = days.filter(filters["unit"].subtree_q("leader__org_unit__"))
    if filters.get("channel"):
        days = days.filter(channel=filters["channel"])
    if filters.get("date_from"):
        days = days.filter(held_on__gte=filters["date_from"])
    if filters.get("date_to"):
        days = days.filter(held_on__lte=filters["date_to"])
    days = days.select_related("leader", "leader__org_unit", "campaign")
    return with_list_columns(days).order_by("-held_on", "-id")


def forum_rows(forums, *, columns) -> list[tuple]:
    """(forum, its list-column values, its warnings against its plan's rules) for the list page;
    each plan's rules are read once per page."""
    rules_by_campaign = {}
    rows = []
    for forum in forums:
        if forum.campaign_id not in rules_by_campaign:
            rules_by_campaign[forum.campaign_id] = forum_rules_for(forum.campaign)
        rules = rules_by_campaign[forum.campaign_id]
        rows.append((forum, column_values(forum, columns), forum_warnings(forum, rules)))
    return rows


def cadre_ids_in(*, user, unit: OrgUnit) -> set[int]:
    """Ids of the cadres of ``unit``'s subtree that the user may see."""
    return set(scope_for_user(Cadre.objects.filter(unit.subtree_q("org_unit__")), user).values_list("pk", flat=True))
