"""Demo household register (about 2,000 households across the 24 demo villages), pairings,
liaison points, forums and reception days."""

import datetime
import random

from django.utils import timezone

from campaigns.demo import chinese_name
from core import dates
from org.models import Cadre

from .models import Forum, Household, HouseholdCategory, HouseholdMember, LiaisonPoint, Pairing, ReceptionDay
from .selectors import HARDSHIP_CATEGORY_CODES
from .validators import id_number_check_digit

HOUSEHOLDS_PER_VILLAGE = 84


def demo_id_number(rng, region: str) -> str:
    year = rng.randint(1940, 1995)
    first17 = f"{region}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_digit(first17)


def seed(*, context, stdout):
    rng = context["rng"]
    categories = list(HouseholdCategory.objects.all())
    existing = set(Household.objects.values_list("village_id", "number"))
    new_households, wanted_categories = [], []
    for village in context["villages"]:
        region = village.code[:6]
        for n in range(1, HOUSEHOLDS_PER_VILLAGE + 1):
            number = f"{n:04d}"
            # Draw the same numbers whether or not the row exists, so reruns stay identical.
            head = chinese_name(rng)
            id_number = demo_id_number(rng, region)
            phone = f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
            members = rng.randint(1, 6)
            picked = rng.sample(categories, k=rng.choice((0, 0, 0, 1, 1, 2)))
            if (village.pk, number) in existing:
                continue
            new_households.append(
                Household(
                    village=village,
                    number=number,
                    head_name=head,
                    members_count=members,
                    address=f"{village.name}{(n - 1) // 20 + 1}组{n}号",
                    phone=phone,
                    id_number=id_number,
                )
            )
            wanted_categories.append(picked)
    Household.objects.bulk_create(new_households, batch_size=500)
    through = Household.categories.through
    links = []
    for household, picked in zip(new_households, wanted_categories, strict=True):
        if household.pk is None:  # SQLite before 3.35 returns no ids; look them up.
            household = Household.objects.get(village=household.village, number=household.number)
        links.extend(through(household_id=household.pk, householdcategory_id=c.pk) for c in picked)
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    stdout.write(f"农户 {Household.objects.count()} 户（本次新增 {len(new_households)} 户）")
    _seed_members(context=context, stdout=stdout)
    _seed_pairings(context=context, stdout=stdout)
    _seed_liaison_points(context=context, stdout=stdout)
    _seed_forums(context=context, stdout=stdout)
    _seed_reception_days(context=context, stdout=stdout)


RELATIONS = ("配偶", "女儿", "儿子", "孙女", "孙子", "母亲")


def _seed_members(*, context, stdout):
    """Every fifth household lists its members; some are poor women or poor children (滨妇发[2012]15号)."""
    if HouseholdMember.objects.exists():
        return
    rng = context["rng"]
    members = []
    households = Household.objects.filter(village__in=context["villages"]).order_by("pk")
    for index, household in enumerate(households.only("pk", "members_count")):
        if index % 5:
            continue
        for n in range(min(household.members_count, 3)):
            relation = RELATIONS[(index + n) % len(RELATIONS)]
            child = relation in ("女儿", "儿子", "孙女", "孙子")
            woman = relation in ("配偶", "女儿", "孙女", "母亲")
            members.append(
                HouseholdMember(
                    household_id=household.pk,
                    name=chinese_name(rng),
                    relation=relation,
                    birth_year=rng.randint(2010, 2020) if child else rng.randint(1950, 1990),
                    is_poor_woman=woman and not child and index % 3 != 2,
                    is_poor_child=child and index % 2 == 0,
                    is_left_behind_child=child and index % 4 == 0,
                )
            )
    HouseholdMember.objects.bulk_create(members, batch_size=1000)
    stdout.write(f"家庭成员 {len(members)} 人")


def _seed_pairings(*, context, stdout):
    """Pair most cadres as the plans ask, leaving some short so the status page has work to show."""
    campaign = context["campaign"]
    if Pairing.objects.filter(campaign=campaign).exists():
        return
    start = campaign.start_date
    hardship = list(
        Household.objects.filter(categories__code__in=HARDSHIP_CATEGORY_CODES)
        .distinct()
        .select_related("village")
        .order_by("pk")
    )
    women = list(HouseholdMember.objects.filter(is_poor_woman=True).select_related("household__village").order_by("pk"))
    children = list(
        HouseholdMember.objects.filter(is_poor_child=True).select_related("household__village").order_by("pk")
    )
    used: set[tuple[int, int, str]] = set()
    pairings = []

    def pick(pool, path, key):
        for item in pool:
            village = item.village if isinstance(item, Household) else item.household.village
            if village.path.startswith(path) and (item.pk, key) not in used:
                used.add((item.pk, key))
                return item
        return None

    # Village and township cadres first, so the people next to them are theirs.
    cadres = Cadre.objects.select_related("org_unit").order_by("-org_unit__depth", "org_unit__path", "pk")
    for index, cadre in enumerate(cadres):
        path = cadre.org_unit.path
        # Every seventh cadre is left short of one duty: the status page lists them.
        if cadre.is_senior and index % 7 != 3:
            household = pick(hardship, path, "hardship")
            if household:
                pairings.append(
                    Pairing(campaign=campaign, cadre=cadre, household=household, kind="poor_kin", start_date=start)
                )
        if index % 7 != 1:
            member = pick(women, path, "woman")
            if member:
                pairings.append(
                    Pairing(
                        campaign=campaign,
                        cadre=cadre,
                        household_id=member.household_id,
                        member=member,
                        kind="poor_woman",
                        start_date=start,
                    )
                )
        if index % 7 != 5:
            member = pick(children, path, "child")
            if member:
                pairings.append(
                    Pairing(
                        campaign=campaign,
                        cadre=cadre,
                        household_id=member.household_id,
                        member=member,
                        kind="poor_child",
                        start_date=start + datetime.timedelta(days=index % 20),
                    )
                )
    Pairing.objects.bulk_create(pairings, batch_size=500)
    stdout.write(f"结对帮扶 {len(pairings)} 对")


def _seed_liaison_points(*, context, stdout):
    """Two liaison villages per level (city, county, township), each with the unit's leader."""
    campaign = context["campaign"]
    if LiaisonPoint.objects.filter(campaign=campaign).exists():
        return
    villages = context["villages"]
    leaders = {c.org_unit_id: c for c in Cadre.objects.filter(is_leader=True).order_by("pk")}
    points = []
    for unit in [context["city"], *context["counties"], *context["townships"]]:
        below = [v for v in villages if v.path.startswith(unit.path)]
        for village in below[-2:]:
            points.append(LiaisonPoint(campaign=campaign, village=village, leader=leaders.get(unit.pk), unit=unit))
    LiaisonPoint.objects.bulk_create(points)
    stdout.write(f"联系点 {len(points)} 个")


def _seed_forums(*, context, stdout):
    """A forum in each of the first eight villages, led by the leaders above it; some posted the
    notice late or gathered too few people, so the page warns about them. The forums go into
    ``context["forums"]`` (ledgers' demo raises a topic at some of them as a demand)."""
    campaign, villages = context["campaign"], context["villages"][:8]
    today = dates.today()
    cadres_by_unit = {}
    for cadre in Cadre.objects.select_related("org_unit"):
        cadres_by_unit.setdefault(cadre.org_unit.path, []).append(cadre)
    forums, made = [], 0
    for n, village in enumerate(villages):
        held = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=10 + n * 3), datetime.time(15, 0))
        )
        lead = [7, 5, 3, 6, 2, 5, 8, 5][n]
        attendance = [45, 32, 28, 60, 18, 35, 40, 30][n]
        forum = Forum.objects.filter(village=village, held_at=held).first()
        if forum is None:
            forum = Forum.objects.create(
                village=village,
                campaign=campaign,
                title="群众访谈日",
                held_at=held,
                place=f"{village.name}党群服务中心",
                notice_posted_on=held.date() - datetime.timedelta(days=lead),
                attendance=attendance,
                summary="围绕道路硬化、养老服务、就业培训等群众关心的问题开展访谈。",
            )
            above = [c for path, cadres in cadres_by_unit.items() if village.path.startswith(path) for c in cadres]
            forum.leading_cadres.set([c for c in above if c.is_leader][:2])
            made += 1
        forums.append(forum)
    context["forums"] = forums
    stdout.write(f"访谈日新增 {made} 场")


def _seed_reception_days(*, context, stdout):
    """Three weeks of reception days of five leaders, in person, on the hotline and online."""
    # Its own generator: the shared one stays as later apps expect.
    rng = random.Random(5005)
    campaign = context["campaign"]
    today = dates.today()
    leaders = list(Cadre.objects.filter(is_leader=True).order_by("id")[:5])
    channels = [ReceptionDay.Channel.IN_PERSON, ReceptionDay.Channel.HOTLINE, ReceptionDay.Channel.ONLINE]
    made = 0
    for i, leader in enumerate(leaders):
        for week in range(3):
            held = today - datetime.timedelta(days=7 * week + i)
            if ReceptionDay.objects.filter(leader=leader, held_on=held).exists():
                continue
            channel = channels[(i + week) % 3]
            ReceptionDay.objects.create(
                leader=leader,
                campaign=campaign,
                held_on=held,
                channel=channel,
                place={"in_person": "信访接待室", "hotline": "12338", "online": "网上信访平台"}[channel],
                visitors_count=rng.randint(2, 12),
                notes="接待来访群众，现场解答政策咨询。",
            )
            made += 1
    stdout.write(f"接待日新增 {made} 次")
