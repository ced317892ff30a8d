"""Reads of the household register, pairings and liaison points, shaped for their pages."""

import heapq
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from campaigns.models import Cadre, Campaign, OrgUnit
from core.scoping import get_for_user_or_404, scope_for_user, sees_everything, user_scope_root

from .models import Household, HouseholdCategory, HouseholdMember, ImportJob, LiaisonPoint, Pairing

# Categories that make a household a "困难群众" household for 结穷亲 (plans 000 and 002: 副处级以上
# cadres pair with at least one hardship household).
HARDSHIP_CATEGORY_CODES = ("tekun", "guchan_pinkun", "kunnan_qunzhong")
MUST_VISIT_GROUPS = (HouseholdCategory.Group.FIVE_MUST, HouseholdCategory.Group.SIX_MUST)


@dataclass(frozen=True)
class PairingRule:
    """Minimum pairings per cadre for one campaign; 0 switches a rule off.

    Defaults are the plans' figures: 副处级以上 cadres ≥1 hardship household (历下妇发[2011]9号,
    济南市档案局 2011); every cadre one poor woman and one poor child (滨妇发[2012]15号).
    """

    senior_hardship: int = 1
    poor_woman: int = 1
    poor_child: int = 1


def pairing_rule_for(*, campaign: Campaign | None) -> PairingRule:
    """The pairing minimums for ``campaign``. Requirement rows (campaigns.Requirement) override
    these defaults once that model is wired here; see docs/households.md."""
    return PairingRule()


def visit_model():
    """ledgers.Visit if it exists in this build, else None (visits are another feature)."""
    try:
        return apps.get_model("ledgers", "Visit")
    except LookupError:
        return None


# --- org units, cadres, campaigns the user may pick -------------------------------------------


def villages_for_user(*, user) -> QuerySet:
    return scope_for_user(OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE), user).order_by("path")


def townships_for_user(*, user) -> QuerySet:
    """Townships the user may act on: the ones in their subtree, or their own township's."""
    return scope_for_user(OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP), user).order_by("path")


def cadres_for_user(*, user) -> QuerySet:
    return scope_for_user(Cadre.objects.select_related("org_unit"), user).order_by("org_unit__path", "name")


def campaigns_for_user(*, user) -> QuerySet:
    return scope_for_user(Campaign.objects.all(), user).order_by("-start_date")


def default_campaign_for_user(*, user) -> Campaign | None:
    campaigns = campaigns_for_user(user=user)
    return campaigns.filter(status=Campaign.Status.ACTIVE).first() or campaigns.first()


def user_unit(user) -> OrgUnit | None:
    """The importer's / actor's subtree root; None for the superuser (everything)."""
    return None if sees_everything(user) else user_scope_root(user)


# --- households -------------------------------------------------------------------------------


def household_list_for_user(*, user, village=None, category=None, q: str = "") -> QuerySet:
    """Households in the user's subtree, filtered, with village and categories loaded."""
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
        households = households.filter(Q(head_name__startswith=q) | Q(number=q))
    return households.select_related("village").prefetch_related("categories").order_by("village__path", "number")


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


def household_visits(*, household: Household, limit: int = 20) -> list:
    Visit = visit_model()
    if Visit is None:
        return []
    return list(Visit.objects.filter(household=household).select_related("cadre").order_by("-visited_on")[:limit])


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
    return pairings.select_related("cadre__user", "household__village", "member", "campaign").order_by(
        "-start_date", "-id"
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


def _hardship_household_ids():
    through = Household.categories.through
    return through.objects.filter(householdcategory__code__in=HARDSHIP_CATEGORY_CODES).values("household_id")


def cadres_below_pairing_requirement(*, unit: OrgUnit, campaign: Campaign, rule: PairingRule) -> QuerySet:
    """Cadres of ``unit``'s subtree short of ``rule`` in ``campaign``, with their counts.

    Annotates ``hardship``, ``poor_women`` and ``poor_children`` (active pairings).
    """
    active = Q(pairings__campaign=campaign, pairings__is_active=True)
    cadres = Cadre.objects.filter(org_unit__path__startswith=unit.path).annotate(
        hardship=Count("pairings", filter=active & Q(pairings__household_id__in=_hardship_household_ids())),
        poor_women=Count(
            "pairings",
            filter=active & (Q(pairings__kind=Pairing.Kind.POOR_WOMAN) | Q(pairings__member__is_poor_woman=True)),
        ),
        poor_children=Count(
            "pairings",
            filter=active & (Q(pairings__kind=Pairing.Kind.POOR_CHILD) | Q(pairings__member__is_poor_child=True)),
        ),
    )
    short = Q(pk__in=[])
    if rule.senior_hardship:
        short |= Q(is_senior=True, hardship__lt=rule.senior_hardship)
    if rule.poor_woman:
        short |= Q(poor_women__lt=rule.poor_woman)
    if rule.poor_child:
        short |= Q(poor_children__lt=rule.poor_child)
    return cadres.filter(short).select_related("org_unit").order_by("org_unit__path", "name")


def must_visit_households_unreached(*, unit: OrgUnit, campaign: Campaign) -> QuerySet:
    """Must-visit (五必访/六必访) households of ``unit``'s subtree with no active pairing in
    ``campaign`` and no visit at all (visits counted only where ledgers.Visit exists)."""
    through = Household.categories.through
    households = Household.objects.filter(village__path__startswith=unit.path).filter(
        Exists(through.objects.filter(household_id=OuterRef("pk"), householdcategory__group__in=MUST_VISIT_GROUPS)),
        ~Exists(Pairing.objects.filter(household_id=OuterRef("pk"), campaign=campaign, is_active=True)),
    )
    Visit = visit_model()
    if Visit is not None:
        households = households.filter(~Exists(Visit.objects.filter(household_id=OuterRef("pk"))))
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
        Cadre.objects.filter(org_unit__path__startswith=township.path)
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
        Household.objects.filter(village__path__startswith=unit.path)
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
