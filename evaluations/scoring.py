"""Requirement scoring: how each requirement of a plan is met, counted from the real records.

A Requirement row (campaigns) holds the quota (``params``), whom it binds (``scope`` and
``unit_kinds``) and its period; what each kind's parameters are and how they are checked stays
with the plan in ``campaigns/requirements.py``. This module counts: visits and days at the
grassroots (ledgers.Visit), pairings (through outreach's one count of them), forums and
reception days (outreach), reports owed upward (evaluations.Report).

Scoring sits at the top because it reads every app below it. The pages and deadlines below
that show a requirement's result get this module's ``evaluate_requirement`` through the
evaluator slot campaigns declares (``campaigns.requirements.requirement_evaluator``), which
``EvaluationsConfig.ready()`` fills; the quota reminders are registered from here
(``evaluations/deadlines.py``).

Assumption (docs/campaigns.md): a cadre's days at the grassroots (or in the village) are the
distinct ``visited_on`` dates of their visits.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from campaigns.requirements import add_months, cadres_bound_q, list_sep, month_end, report_due_dates, scope_label
from campaigns.selectors import campaign_family_ids, campaign_participants
from core import dates
from ledgers.models import Visit
from org.models import Cadre, OrgUnit
from outreach.forum_rules import ForumRules, forum_shortfalls
from outreach.models import Forum, Household, ReceptionDay
from outreach.selectors import PairingRule, pairing_counts

from .models import Report

MET = "met"
SHORT = "short"
# The data to compute it does not exist (yet): the note says what is missing.
NOT_MEASURABLE = "not_measurable"
# The requirement does not bind this unit or cadre (rank, role, level, branch): the note says why.
NOT_APPLICABLE = "not_applicable"

STATUS_LABELS = {
    MET: gettext_noop("达标"),
    SHORT: gettext_noop("未达标"),
    NOT_MEASURABLE: gettext_noop("暂无法计算"),
    NOT_APPLICABLE: gettext_noop("不适用"),
}


@dataclass
class RequirementResult:
    """``target`` and ``actual`` are counted in ``measure`` (户, 次, 天, 人, 个月 …).

    Both are None when the status is not applicable or not measurable: no number is guessed.
    """

    target: int | None
    actual: int | None
    status: str
    note: str = ""
    rows: list = field(default_factory=list)  # per cadre / per unit detail, for pages that drill down
    measure: str = ""

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def is_counted(self) -> bool:
        return self.status in (MET, SHORT)


def not_applicable(reason: str) -> RequirementResult:
    return RequirementResult(None, None, NOT_APPLICABLE, reason)


def not_measurable(reason: str) -> RequirementResult:
    return RequirementResult(None, None, NOT_MEASURABLE, reason)


# ---- helpers ------------------------------------------------------------------------------


def _window(requirement, as_of):
    campaign = requirement.campaign
    return campaign.start_date, min(campaign.end_date, as_of)


def _bound_cadres(requirement, *, unit=None, cadre=None):
    qs = Cadre.objects.all()
    if cadre is not None:
        qs = qs.filter(pk=cadre.pk)
    elif unit is not None:
        qs = qs.filter(unit.subtree_q("org_unit__"))
    else:
        issuer = requirement.campaign.issuing_unit
        if issuer is None:
            return qs.none()
        qs = qs.filter(issuer.subtree_q("org_unit__"))
    return qs.filter(cadres_bound_q(requirement.scope, requirement.unit_kinds))


def _unit_for(requirement, unit, cadre):
    if unit is not None:
        return unit
    if cadre is not None:
        return cadre.org_unit
    return requirement.campaign.issuing_unit


def _periods(start, end, as_of, period):
    """Complete periods (month or ISO week) inside [start, end] that ended by ``as_of``.

    If none has ended yet, the period in progress is judged so far.
    """
    periods = []
    if period == "month":
        cursor = start.replace(day=1)
        while cursor <= end:
            periods.append((cursor, month_end(cursor)))
            cursor = add_months(cursor, 1)
    else:
        cursor = start - datetime.timedelta(days=start.weekday())
        while cursor <= end:
            periods.append((cursor, cursor + datetime.timedelta(days=6)))
            cursor += datetime.timedelta(days=7)
    complete = [p for p in periods if p[1] <= as_of]
    if complete:
        return complete, False
    current = [p for p in periods if p[0] <= as_of]
    return current[-1:], True


def _cadre_measure(requirement) -> str:
    """What one cadre's target and actual count, for the pages (10 户, 2 个月, 1 人 …)."""
    kind, params, period = requirement.kind, requirement.params, requirement.period
    if period == "month" and kind in ("visits_per_cadre", "reception_days"):
        return _("个月")
    if period == "week":
        return pgettext("unit of measure", "周")
    if kind == "visits_per_cadre":
        return {"households": _("户"), "visits": _("次"), "days": _("天")}[params.get("count", "households")]
    if kind == "pairings_per_cadre":
        return _("人") if params.get("member_flag") else _("户")
    return _("天")


def _cadre_result(requirement, cadre_rows, *, single, target_each):
    """Fold per-cadre (name, actual, ok, note) rows into one result for a cadre or for a unit.

    For a unit, target and actual count cadres (人): those bound and those who met the quota.
    """
    if single:
        name, actual, ok, note = cadre_rows[0]
        return RequirementResult(
            target_each, actual, MET if ok else SHORT, note, rows=cadre_rows, measure=_cadre_measure(requirement)
        )
    total = len(cadre_rows)
    done = sum(1 for row in cadre_rows if row[2])
    short_names = [row[0] for row in cadre_rows if not row[2]]
    note = _("%(done)s/%(total)s名干部达标") % {"done": done, "total": total}
    if short_names:
        shown = list_sep().join(short_names[:5]) + (pgettext("list continues", "等") if len(short_names) > 5 else "")
        note += _("；未达标：%(names)s") % {"names": shown}
    return RequirementResult(total, done, MET if done == total else SHORT, note, rows=cadre_rows, measure=_("人"))


# ---- applicability ------------------------------------------------------------------------


def _scope_reason(requirement) -> str:
    """Whom the requirement binds, in words: 副处级以上干部（县/区）."""
    text = scope_label(requirement.scope)
    if requirement.unit_kinds:
        text += _("（%(levels)s）") % {"levels": list_sep().join(_unit_kind_label(k) for k in requirement.unit_kinds)}
    return text


def _unit_kind_label(value):
    return str(OrgUnit.Kind(value).label)


def _outside_branch(requirement, unit):
    """A reason if ``unit`` is not in the branch of the campaign's issuing unit, else ""."""
    issuer = requirement.campaign.issuing_unit
    if not unit.path.startswith(issuer.path):
        return _("“%(unit)s”不在本方案发文单位“%(issuer)s”的范围内，此指标不适用。") % {
            "unit": unit,
            "issuer": issuer,
        }
    return ""


def _cadre_not_bound_reason(requirement, cadre) -> str:
    reason = _outside_branch(requirement, cadre.org_unit)
    if reason:
        return reason
    return _("“%(cadre)s”不属于此指标的适用对象（%(scope)s），不适用。") % {
        "cadre": cadre.name,
        "scope": _scope_reason(requirement),
    }


def _unit_level_reason(requirement, unit) -> str:
    """For unit-level kinds: a reason if no unit of the bound levels is at or below ``unit``."""
    reason = _outside_branch(requirement, unit)
    if reason or not requirement.unit_kinds or unit.kind in requirement.unit_kinds:
        return reason
    below = OrgUnit.objects.filter(unit.subtree_q(), kind__in=requirement.unit_kinds).exists()
    if below:
        return ""
    return _("此指标只约束%(levels)s，“%(unit)s”及其下级不在其列，不适用。") % {
        "levels": list_sep().join(_unit_kind_label(k) for k in requirement.unit_kinds),
        "unit": unit,
    }


# ---- evaluators ---------------------------------------------------------------------------


def _visits_per_cadre(requirement, cadres, as_of, family):
    params = requirement.params
    minimum = params["min"]
    count = params.get("count", "households")
    start, end = _window(requirement, as_of)
    measure = {
        "households": Count("household", distinct=True),
        "visits": Count("id"),
        "days": Count("visited_on", distinct=True),
    }[count]
    unit_word = {
        "households": pgettext("unit", "户"),
        "visits": pgettext("unit", "次"),
        "days": pgettext("unit", "天"),
    }[count]
    visits = Visit.objects.filter(
        Q(campaign_id__in=family) | Q(campaign__isnull=True),
        cadre__in=cadres,
        visited_on__gte=start,
        visited_on__lte=end,
    )
    rows = []
    cadre_list = list(cadres.values_list("pk", "name"))
    if requirement.period == "campaign":
        text = _("活动期间%(n)s%(u)s，要求不少于%(m)s%(u)s")
        got = dict(visits.values("cadre").annotate(n=measure).values_list("cadre", "n"))
        for pk, name in cadre_list:
            n = got.get(pk, 0)
            rows.append(
                (
                    name,
                    n,
                    n >= minimum,
                    text % {"n": n, "u": unit_word, "m": minimum},
                )
            )
        return rows
    periods, in_progress = _periods(start, requirement.campaign.end_date, as_of, "month")
    per_month = {}
    for pk, month, n in (
        visits.annotate(month=TruncMonth("visited_on"))
        .values("cadre", "month")
        .annotate(n=measure)
        .values_list("cadre", "month", "n")
    ):
        month = month.date() if isinstance(month, datetime.datetime) else month
        per_month[(pk, month)] = n
    text, running = _("%(good)s/%(total)s个月达到每月%(m)s%(u)s"), _("（本月进行中）")
    for pk, name in cadre_list:
        good = sum(1 for p in periods if per_month.get((pk, p[0]), 0) >= minimum)
        note = text % {
            "good": good,
            "total": len(periods),
            "m": minimum,
            "u": unit_word,
        }
        if in_progress:
            note += running
        rows.append((name, good, good == len(periods), note))
    return rows


def _pairings_per_cadre(requirement, cadres, as_of, family):
    """Counted by outreach's one count of pairings, the same the pairing-status page shows."""
    rule = PairingRule.from_requirement(requirement)
    got = pairing_counts(cadres, rule=rule, family=family, as_of=as_of)
    what = {"is_poor_woman": _("贫困妇女"), "is_poor_child": _("贫困儿童")}.get(rule.member_flag, _("户"))
    text = _("已结对%(n)s（%(what)s），要求不少于%(m)s")
    rows = []
    for pk, name in cadres.values_list("pk", "name"):
        n = got.get(pk, 0)
        rows.append(
            (
                name,
                n,
                n >= rule.minimum,
                text % {"n": n, "what": what, "m": rule.minimum},
            )
        )
    return rows


def _grassroots_days(requirement, cadres, as_of, family):
    minimum = requirement.params["min_days"]
    if requirement.period == "year":
        start, end = datetime.date(as_of.year, 1, 1), as_of
        span = _("%(year)s年") % {"year": as_of.year}
    else:
        start, end = _window(requirement, as_of)
        span = _("活动期间")
    got = dict(
        Visit.objects.filter(cadre__in=cadres, visited_on__gte=start, visited_on__lte=end)
        .values("cadre")
        .annotate(n=Count("visited_on", distinct=True))
        .values_list("cadre", "n")
    )
    text = _("%(span)s下基层%(n)s天，要求不少于%(m)s天")
    rows = []
    for pk, name in cadres.values_list("pk", "name"):
        n = got.get(pk, 0)
        rows.append(
            (
                name,
                n,
                n >= minimum,
                text % {"span": span, "n": n, "m": minimum},
            )
        )
    return rows


def _village_stay_days(requirement, cadres, as_of, family):
    minimum = requirement.params["min_days"]
    campaign = requirement.campaign
    batches = [(p.name, p.start_date, p.end_date) for p in campaign.phases.order_by("order")]
    if not batches:
        batches = [(_("活动期间"), campaign.start_date, campaign.end_date)]
    condition = Q()
    for _name, start, end in batches:
        condition |= Q(visited_on__gte=start, visited_on__lte=min(end, as_of))
    days = Visit.objects.filter(condition, cadre__in=cadres).values_list("cadre", "visited_on").distinct()
    per_batch = {}
    for pk, day in days:
        for index, (_name, start, end) in enumerate(batches):
            if start <= day <= end:
                per_batch[(pk, index)] = per_batch.get((pk, index), 0) + 1
    text = _("%(batch)s住村%(n)s天，要求每批不少于%(m)s天")
    rows = []
    for pk, name in cadres.values_list("pk", "name"):
        counts = [per_batch.get((pk, i), 0) for i in range(len(batches))]
        best = max(counts)
        batch_name = batches[counts.index(best)][0]
        rows.append(
            (
                name,
                best,
                best >= minimum,
                text % {"batch": batch_name, "n": best, "m": minimum},
            )
        )
    return rows


def _reception_days(requirement, cadres, as_of, family):
    minimum = requirement.params["min"]
    start, end = _window(requirement, as_of)
    periods, in_progress = _periods(start, requirement.campaign.end_date, as_of, requirement.period)
    trunc = TruncMonth("held_on") if requirement.period == "month" else TruncWeek("held_on")
    per_period = {}
    qs = ReceptionDay.objects.filter(
        leader__in=cadres, held_on__gte=periods[0][0] if periods else start, held_on__lte=end
    )
    for pk, bucket, n in (
        qs.annotate(bucket=trunc)
        .values("leader", "bucket")
        .annotate(n=Count("id"))
        .values_list("leader", "bucket", "n")
    ):
        bucket = bucket.date() if isinstance(bucket, datetime.datetime) else bucket
        per_period[(pk, bucket)] = n
    word = _("月") if requirement.period == "month" else _("周")
    text, running = _("%(good)s/%(total)s个%(w)s达到每%(w)s至少%(m)s次"), _("（本期进行中）")
    rows = []
    for pk, name in cadres.values_list("pk", "name"):
        good = sum(1 for p in periods if per_period.get((pk, p[0]), 0) >= minimum)
        note = text % {
            "good": good,
            "total": len(periods),
            "w": word,
            "m": minimum,
        }
        if in_progress:
            note += running
        rows.append((name, good, good == len(periods), note))
    return rows


def _must_visit_coverage(requirement, unit, as_of, family):
    params = requirement.params
    # Counted from the household-category links of the unit's subtree: a household owes a visit
    # once however many of the group's categories it carries (distinct household ids).
    if params.get("categories"):
        category_q = Q(householdcategory__code__in=params["categories"])
    else:
        category_q = Q(householdcategory__group=params["category_group"])
    owed = Household.categories.through.objects.filter(category_q, unit.subtree_q("household__village__"))
    start, end = _window(requirement, as_of)
    visited = Visit.objects.filter(
        Q(campaign_id__in=family) | Q(campaign__isnull=True), visited_on__gte=start, visited_on__lte=end
    ).values("household_id")
    target = owed.aggregate(n=Count("household_id", distinct=True))["n"]
    if target == 0:
        return not_measurable(_("“%(unit)s”辖区内尚未登记属于必访类别的户，暂无法计算。") % {"unit": unit})
    # "Visited" is a WHERE ... IN (visits) semi-join, never a FILTER inside the aggregate:
    # PostgreSQL cannot turn a sub-select in an aggregate's FILTER into a join and re-ran the
    # visit query for every owed household (a city plan page that never finished).
    covered = owed.filter(household_id__in=visited)
    actual = covered.aggregate(n=Count("household_id", distinct=True))["n"]
    per_category = ("householdcategory__name", "householdcategory__sort_order")

    def by_category(links):
        return {
            tuple(row[k] for k in per_category): row["n"]
            for row in links.values(*per_category).annotate(n=Count("household_id", distinct=True)).order_by()
        }

    totals = by_category(owed)
    covered_counts = by_category(covered) if actual else {}
    missing = [
        _("%(category)s%(n)s户") % {"category": name, "n": total - covered_counts.get((name, order), 0)}
        for (name, order), total in sorted(totals.items(), key=lambda item: (item[0][1], item[0][0]))
        if covered_counts.get((name, order), 0) < total
    ]
    note = _("已走访%(a)s/%(t)s户必访户") % {"a": actual, "t": target}
    if missing:
        note += _("；未覆盖：%(m)s") % {"m": list_sep().join(missing)}
    return RequirementResult(target, actual, MET if actual >= target else SHORT, note, measure=_("户"))


def _forum_rules(requirement, unit, as_of, family):
    params = requirement.params
    rules = ForumRules.from_params(params)
    start, end = _window(requirement, as_of)
    villages = list(OrgUnit.objects.filter(unit.subtree_q(), kind="village").values_list("pk", flat=True))
    if not villages:
        return not_applicable(_("“%(unit)s”下没有村（社区），访谈日规则不适用。") % {"unit": unit})
    forums = Forum.objects.filter(Q(campaign_id__in=family) | Q(campaign__isnull=True), village_id__in=villages)
    compliant, bad = set(), 0
    # The forum pages' own rule (outreach.forum_rules): a village counts once a forum of it in the
    # window has no shortfall; attendance is judged once a forum has been held.
    now = timezone.now()
    for village_id, held_at, posted_on, attendance in forums.values_list(
        "village_id", "held_at", "notice_posted_on", "attendance"
    ):
        if not (start <= dates.day_of(held_at) <= end):
            continue
        shortfalls = forum_shortfalls(
            rules, held_at=held_at, notice_posted_on=posted_on, attendance=attendance, now=now
        )
        if not shortfalls and held_at <= now:
            compliant.add(village_id)
        elif shortfalls:
            bad += 1
    note = _("%(a)s/%(t)s个村（社区）举办了符合要求的访谈日（不少于%(n)s人、提前%(d)s天公告）") % {
        "a": len(compliant),
        "t": len(villages),
        "n": params["min_attendance"],
        "d": params["notice_days"],
    }
    if bad:
        note += _("；%(b)s场不符合要求") % {"b": bad}
    return RequirementResult(
        len(villages),
        len(compliant),
        MET if len(compliant) >= len(villages) else SHORT,
        note,
        measure=_("个村（社区）"),
    )


def _reports_submitted(requirement, units, as_of) -> dict[int, int]:
    """{unit pk: reports submitted by ``as_of``} for the campaign's family, in one query."""
    return dict(
        Report.objects.filter(
            campaign_id__in=campaign_family_ids(requirement.campaign),
            unit__in=units,
            submitted_on__isnull=False,
            submitted_on__lte=as_of,
        )
        .values("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )


def _reports_every(requirement, unit, as_of, family):
    participants = [u for u in campaign_participants(requirement.campaign) if u.path.startswith(unit.path)]
    if requirement.unit_kinds:
        participants = [u for u in participants if u.kind in requirement.unit_kinds]
    if not participants:
        return not_applicable(_("“%(unit)s”及其下级不承担此上报任务，不适用。") % {"unit": unit})
    owing = participants
    all_dues = report_due_dates(requirement)
    dues = [d for d in all_dues if d <= as_of]
    if not dues:
        if not all_dues:
            return not_measurable(_("活动期间没有上报期限，暂无法计算。"))
        return not_measurable(_("首次上报期限为%(date)s，尚未到期，暂无法计算。") % {"date": all_dues[0].isoformat()})
    submitted = _reports_submitted(requirement, owing, as_of)
    interval = requirement.params["interval_months"]
    if len(owing) == 1:
        n = submitted.get(owing[0].pk, 0)
        note = _("每%(i)s个月上报一次：应报%(t)s次，已报%(n)s次") % {"i": interval, "t": len(dues), "n": n}
        return RequirementResult(len(dues), n, MET if n >= len(dues) else SHORT, note, measure=_("次"))
    rows = [(u.name, submitted.get(u.pk, 0), submitted.get(u.pk, 0) >= len(dues), "") for u in owing]
    done = sum(1 for r in rows if r[2])
    late = [r[0] for r in rows if not r[2]]
    note = _("%(d)s/%(t)s个单位按期上报（截至目前应报%(n)s次）") % {"d": done, "t": len(rows), "n": len(dues)}
    if late:
        note += _("；未按期：%(names)s") % {"names": list_sep().join(late[:5])}
    return RequirementResult(len(rows), done, MET if done == len(rows) else SHORT, note, rows=rows, measure=_("个单位"))


CADRE_EVALUATORS = {
    "visits_per_cadre": _visits_per_cadre,
    "pairings_per_cadre": _pairings_per_cadre,
    "leader_grassroots_days": _grassroots_days,
    "village_stay_days": _village_stay_days,
    "reception_days": _reception_days,
}
UNIT_EVALUATORS = {
    "must_visit_coverage": _must_visit_coverage,
    "forum_rules": _forum_rules,
    "reports_every": _reports_every,
}


def evaluate_requirement(requirement, *, unit=None, cadre=None, as_of=None) -> RequirementResult:
    """Evaluate one requirement for a unit (all bound cadres below it) or for one cadre.

    Returns target, actual and their unit of measure, a status and a Chinese note. The status is
    "met" or "short" when counted; "not_applicable" when the requirement does not bind the
    unit or cadre (outside the issuing unit's branch, another rank, role or level);
    "not_measurable" when there is nothing to count yet (the note says why). Without ``unit``
    or ``cadre`` the campaign's issuing unit is evaluated. Reads only.
    """
    as_of = as_of or dates.today()
    campaign = requirement.campaign
    if campaign.issuing_unit_id is None:
        return not_measurable(_("方案模板没有发文单位，无法计算。"))
    if as_of < campaign.start_date:
        return not_measurable(
            _("活动于%(date)s开始，尚无数据，暂无法计算。") % {"date": campaign.start_date.isoformat()}
        )
    family = campaign_family_ids(campaign)
    if requirement.kind in UNIT_EVALUATORS:
        target_unit = _unit_for(requirement, unit, cadre)
        reason = _unit_level_reason(requirement, target_unit)
        if reason:
            return not_applicable(reason)
        return UNIT_EVALUATORS[requirement.kind](requirement, target_unit, as_of, family)
    if unit is not None and cadre is None:
        reason = _outside_branch(requirement, unit)
        if reason:
            return not_applicable(reason)
    cadres = _bound_cadres(requirement, unit=unit, cadre=cadre)
    if cadre is not None and not cadres.filter(campaign.issuing_unit.subtree_q("org_unit__")).exists():
        return not_applicable(_cadre_not_bound_reason(requirement, cadre))
    if cadre is None and not cadres.exists():
        return not_applicable(
            _("“%(unit)s”没有此指标适用的干部（%(scope)s），不适用。")
            % {"unit": unit or campaign.issuing_unit, "scope": _scope_reason(requirement)}
        )
    rows = CADRE_EVALUATORS[requirement.kind](requirement, cadres, as_of, family)
    target_each = requirement.params.get("min") or requirement.params.get("min_days") or 0
    if requirement.period in ("month", "week") and cadre is not None:
        target_each = len(_periods(campaign.start_date, campaign.end_date, as_of, requirement.period)[0])
    return _cadre_result(requirement, rows, single=cadre is not None, target_each=target_each)


# ---- shortfalls per period, in bulk (the reminder engine's view) ---------------------------

# Cadre-level kinds whose quota is counted over each period of its own (a month, a week, a
# calendar year, a batch): a cadre short in May is reminded near the end of May, and June starts
# afresh. Every other requirement is judged once, over the whole campaign.
PERIODIC = {
    "visits_per_cadre": ("month",),
    "reception_days": ("month", "week"),
    "leader_grassroots_days": ("year",),
    "village_stay_days": ("phase",),
}


def is_periodic(requirement) -> bool:
    return requirement.period in PERIODIC.get(requirement.kind, ())


def requirement_periods(requirement) -> list[tuple[datetime.date, datetime.date]]:
    """The (start, end) periods a quota is judged over, clipped to its campaign.

    Months, ISO weeks (Monday to Sunday), calendar years or phases for the periodic kinds; the
    campaign itself for every other requirement.
    """
    campaign = requirement.campaign
    first, last = campaign.start_date, campaign.end_date
    if not is_periodic(requirement):
        return [(first, last)]
    if requirement.period == "phase":
        phases = [(p.start_date, p.end_date) for p in campaign.phases.order_by("order", "start_date")]
        return phases or [(first, last)]
    periods = []
    cursor = first
    while cursor <= last:
        if requirement.period == "month":
            end = month_end(cursor)
        elif requirement.period == "week":
            end = cursor + datetime.timedelta(days=6 - cursor.weekday())
        else:
            end = datetime.date(cursor.year, 12, 31)
        periods.append((cursor, min(end, last)))
        cursor = end + datetime.timedelta(days=1)
    return periods


def _period_counts(requirement, cadres, start, end, family):
    """({cadre pk: actual}, minimum, measure) over [start, end] in one query."""
    kind, params = requirement.kind, requirement.params
    if kind == "reception_days":
        qs = ReceptionDay.objects.filter(leader__in=cadres, held_on__gte=start, held_on__lte=end)
        return dict(qs.values("leader").annotate(n=Count("id")).values_list("leader", "n")), params["min"], _("次")
    if kind == "pairings_per_cadre":
        rule = PairingRule.from_requirement(requirement)
        got = pairing_counts(cadres, rule=rule, family=family, as_of=end)
        return got, rule.minimum, _("人") if rule.member_flag else _("户")
    visits = Visit.objects.filter(cadre__in=cadres, visited_on__gte=start, visited_on__lte=end)
    if kind == "visits_per_cadre":
        count = params.get("count", "households")
        measure = {
            "households": Count("household", distinct=True),
            "visits": Count("id"),
            "days": Count("visited_on", distinct=True),
        }[count]
        visits = visits.filter(Q(campaign_id__in=family) | Q(campaign__isnull=True))
        word = {"households": pgettext("unit", "户"), "visits": pgettext("unit", "次"), "days": pgettext("unit", "天")}
        return dict(visits.values("cadre").annotate(n=measure).values_list("cadre", "n")), params["min"], word[count]
    # Days at the grassroots / in the village: distinct visit dates (docs/campaigns.md).
    got = dict(visits.values("cadre").annotate(n=Count("visited_on", distinct=True)).values_list("cadre", "n"))
    return got, params["min_days"], _("天")


@dataclass
class CadreShortfall:
    cadre_id: int
    actual: int
    target: int
    measure: str


def short_cadres(requirement, *, start, end, as_of) -> list[CadreShortfall] | None:
    """Every bound cadre short of a cadre-level quota over the period [start, end], as of ``as_of``.

    In bulk: one counting query for all bound cadres of the campaign (a city's thousands), not one
    per cadre. Counts run up to ``min(end, as_of)``; a calendar-year quota counts from 1 January.
    None when there is nothing to judge (not a cadre-level kind, no issuing unit, the period has
    not started). Reads only.
    """
    campaign = requirement.campaign
    if requirement.kind not in CADRE_EVALUATORS or campaign.issuing_unit_id is None or as_of < start:
        return None
    if requirement.period == "year":
        start = datetime.date(start.year, 1, 1)
    family = campaign_family_ids(campaign)
    got, minimum, measure = _period_counts(requirement, _bound_cadres(requirement), start, min(end, as_of), family)
    return [
        CadreShortfall(pk, got.get(pk, 0), minimum, measure)
        for pk in _bound_cadres(requirement).order_by("pk").values_list("pk", flat=True)
        if got.get(pk, 0) < minimum
    ]


def short_units(requirement, *, as_of) -> list:
    """[(unit, note)] for each participating unit short of a unit-level quota, as of ``as_of``.

    Only looked at unit by unit when the issuing unit as a whole is short. Reports owed every N
    months are counted per unit in one query (a unit owes its own reports); coverage and forum
    rules are evaluated per participating unit of the bound levels. Reads only.
    """
    if requirement.kind not in UNIT_EVALUATORS or evaluate_requirement(requirement, as_of=as_of).status != SHORT:
        return []
    units = campaign_participants(requirement.campaign)
    if requirement.unit_kinds:
        units = [u for u in units if u.kind in requirement.unit_kinds]
    if requirement.kind != "reports_every":
        short = []
        for unit in units:
            result = evaluate_requirement(requirement, unit=unit, as_of=as_of)
            if result.status == SHORT:
                short.append((unit, result.note))
        return short
    owed = len([d for d in report_due_dates(requirement) if d <= as_of])
    submitted = _reports_submitted(requirement, units, as_of)
    text = _("应报%(t)s次，已报%(n)s次")
    return [(u, text % {"t": owed, "n": submitted.get(u.pk, 0)}) for u in units if submitted.get(u.pk, 0) < owed]
