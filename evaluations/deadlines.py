"""Deadline kinds of the evaluations app, registered with the reminder engine (reminders.registry)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Requirement
from org.models import Cadre
from reminders.registry import ComputedDeadline, DeadlineKind, register, unit_leaders_by_unit, unit_leaders_for

from .models import Report
from .scoring import (
    PERIODIC,
    SHORT,
    UNIT_EVALUATORS,
    evaluate_requirement,
    requirement_periods,
    short_cadres,
    short_units,
)


def _report_subject(report):
    return _("报告“%(title)s”（%(campaign)s）应于 %(due)s 前报送") % {
        "title": report.title,
        "campaign": report.campaign.title,
        "due": report.due_date.isoformat(),
    }


# A report owed upward: open until submitted, while its campaign runs.
register(
    DeadlineKind(
        key="evaluations.report",
        label=_("定期报告"),
        queryset=lambda: Report.objects.select_related("campaign", "unit"),
        open_q=Q(submitted_on__isnull=True, campaign__status=Campaign.Status.ACTIVE),
        due_field="due_date",
        unit_field="unit",
        responsible=unit_leaders_for("unit"),
        subject=_report_subject,
        url=lambda report: reverse("campaigns:campaign_plan", kwargs={"pk": report.campaign_id}),
    )
)


# Quota shortfalls. Their keys keep the campaigns. prefix they were first registered under:
# reminder rows (subject_key) and reminder rules (reminders migrations 0002, 0003) name them.


def _plan_url(requirement):
    return reverse("campaigns:campaign_plan", kwargs={"pk": requirement.campaign_id})


def _cadres(ids):
    return Cadre.objects.filter(pk__in=ids, user__is_active=True).select_related("user", "org_unit").in_bulk()


def _shortfall_subject(requirement):
    return _("量化指标“%(title)s”（%(campaign)s）尚未达标，活动将于 %(end)s 结束") % {
        "title": requirement.title,
        "campaign": requirement.campaign.title,
        "end": requirement.campaign.end_date.isoformat(),
    }


def _period_topic(requirement, start, end):
    return _("量化指标“%(title)s”（%(campaign)s）%(start)s至%(end)s未达标") % {
        "title": requirement.title,
        "campaign": requirement.campaign.title,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def _cadre_rows(requirement, start, end, as_of, *, topic=None) -> list[ComputedDeadline]:
    """One row per bound cadre short of a cadre-level quota over [start, end]: the cadre answers."""
    shortfalls = short_cadres(requirement, start=start, end=end, as_of=as_of) or []
    cadres = _cadres([s.cadre_id for s in shortfalls])
    topic = topic or _period_topic(requirement, start, end)
    rows = []
    for shortfall in shortfalls:
        cadre = cadres.get(shortfall.cadre_id)
        if cadre is None:
            continue
        detail = _("：已完成%(n)s%(m)s，要求不少于%(t)s%(m)s") % {
            "n": shortfall.actual,
            "t": shortfall.target,
            "m": shortfall.measure,
        }
        rows.append(
            ComputedDeadline(
                requirement.pk, end, cadre.org_unit, (cadre,), topic + detail, _plan_url(requirement), topic
            )
        )
    return rows


def _campaign_shortfalls(requirements, first, last, today) -> list[ComputedDeadline]:
    """Quotas judged over the whole campaign, short within the rules' reach of its end.

    The issuing unit's leaders hear of the quota as a whole; each short cadre (cadre-level kinds)
    or the leaders of each short participating unit (unit-level kinds) hear of their own part.
    """
    units, rows = {}, []
    for requirement in requirements:
        campaign = requirement.campaign
        if not first <= campaign.end_date <= last or campaign.issuing_unit_id is None:
            continue
        as_of = min(today, campaign.end_date)
        if evaluate_requirement(requirement, as_of=as_of).status != SHORT:
            continue
        subject = str(_shortfall_subject(requirement))
        units[campaign.issuing_unit.pk] = campaign.issuing_unit
        rows.append((requirement, campaign.issuing_unit, subject))
        if requirement.kind in UNIT_EVALUATORS:
            for unit, note in short_units(requirement, as_of=as_of):
                units[unit.pk] = unit
                rows.append((requirement, unit, f"{subject}：{unit.name} {note}"))
        else:
            computed = _cadre_rows(requirement, campaign.start_date, campaign.end_date, as_of, topic=subject)
            rows.extend(computed)
    leaders = unit_leaders_by_unit(units.values())
    result = []
    for row in rows:
        if isinstance(row, ComputedDeadline):
            result.append(row)
            continue
        requirement, unit, subject = row
        people = tuple(leaders.get(unit.pk, []))
        result.append(
            ComputedDeadline(
                requirement.pk, requirement.campaign.end_date, unit, people, subject, _plan_url(requirement),
                str(_shortfall_subject(requirement)),
            )
        )  # fmt: skip
    return result


def _period_shortfalls(requirements, first, last, today) -> list[ComputedDeadline]:
    """Quotas counted per month, week, year or batch: each cadre short in a period ending within reach."""
    rows = []
    for requirement in requirements:
        if requirement.campaign.issuing_unit_id is None:
            continue
        for start, end in requirement_periods(requirement):
            if first <= end <= last and start <= today:
                rows.extend(_cadre_rows(requirement, start, end, min(today, end)))
    return rows


def _requirements():
    return Requirement.objects.select_related("campaign", "campaign__issuing_unit")


def _periodic_q(period=None) -> Q:
    q = Q(pk__in=[])
    for kind, periods in PERIODIC.items():
        wanted = [p for p in periods if period is None or p == period]
        if wanted:
            q |= Q(kind=kind, period__in=wanted)
    return q


_RUNNING = Q(campaign__status=Campaign.Status.ACTIVE, campaign__issuing_unit__isnull=False)

# A quota judged over the whole campaign, falling short near the campaign's end: "open" is
# computed (evaluate_requirement says "short"), and only within the rules' reach of the end.
register(
    DeadlineKind(
        key="campaigns.requirement_shortfall",
        label=_("量化指标未达标"),
        queryset=_requirements,
        open_q=_RUNNING & ~_periodic_q(),
        due_field="campaign__end_date",
        unit_field="campaign__issuing_unit",
        responsible=unit_leaders_for("campaign__issuing_unit"),
        subject=_shortfall_subject,
        url=_plan_url,
        compute=_campaign_shortfalls,
    )
)

# A quota counted per period of its own (≥2 grassroots trips a month, a reception day a week,
# days at the grassroots a year, days in the village per batch): near the end of each period,
# each cadre still short of it. One kind per period length, so each has offsets that fit it.
for _period, _label in (
    ("month", _("量化指标未达标（每月）")),
    ("week", _("量化指标未达标（每周）")),
    ("year", _("量化指标未达标（每年）")),
    ("phase", _("量化指标未达标（每批）")),
):
    register(
        DeadlineKind(
            key=f"campaigns.quota_{_period}",
            label=_label,
            queryset=_requirements,
            open_q=_RUNNING & _periodic_q(_period),
            due_field="campaign__end_date",
            unit_field="campaign__issuing_unit",
            responsible=unit_leaders_for("campaign__issuing_unit"),
            subject=_shortfall_subject,
            url=_plan_url,
            compute=_period_shortfalls,
        )
    )
