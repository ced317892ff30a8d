"""The 三查三看 review of pledges (历下妇发[2011]9号, 环节6, early November).

查承诺的实事项目解决了多少，看群众满意不满意；查正在办理的项目有多少，看措施得力不得力；
查未启动的项目有多少，看条件成熟不成熟. For a unit and everything below it, and a campaign
(with the campaigns that implement it below), counting pledges a leader approved.

Definitions, as of a date in Asia/Shanghai:
- completed: a completion date is recorded (the 100% progress update);
- in progress: some progress (percent > 0), not completed; *overdue* when the date is past the
  deadline; *stalled* when the last progress update is ``stalled_days`` or more days old;
- not started: no progress yet; *why* is the note of the latest 0% update (情况说明).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from core import dates
from core.masking import export_text
from core.xlsx_write import add_table, new_workbook, workbook_bytes
from org.models import OrgUnit
from pledges.models import Pledge, PledgeProgress

DEFAULT_STALLED_DAYS = 30
# The page lists the most urgent rows of each check; the Excel export lists all of them.
PAGE_ROW_LIMIT = 100


@dataclass
class ReviewRow:
    pledge: Pledge
    overdue: bool = False
    stalled: bool = False
    days_since_progress: int | None = None
    reason: str = ""
    on_time: bool | None = None


@dataclass
class ThreeChecks:
    unit: OrgUnit
    campaign: Campaign
    as_of: datetime.date
    stalled_days: int
    total: int = 0
    completed_count: int = 0
    completed_on_time: int = 0
    in_progress_count: int = 0
    in_progress_stalled: int = 0
    in_progress_overdue: int = 0
    not_started_count: int = 0
    not_started_overdue: int = 0
    not_started_without_reason: int = 0
    row_limit: int | None = None
    completed: list[ReviewRow] = field(default_factory=list)
    in_progress: list[ReviewRow] = field(default_factory=list)
    not_started: list[ReviewRow] = field(default_factory=list)

    @property
    def completion_rate(self) -> float:
        return round(100 * self.completed_count / self.total, 1) if self.total else 0.0

    @property
    def truncated(self) -> bool:
        return (
            self.row_limit is not None
            and max(self.completed_count, self.in_progress_count, self.not_started_count) > self.row_limit
        )


def campaign_family_ids(campaign: Campaign) -> list[int]:
    """The campaign and every campaign implementing it below (child plans of subordinate units)."""
    ids, frontier = [campaign.pk], [campaign.pk]
    while frontier:
        frontier = list(Campaign.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.extend(frontier)
    return ids


def three_checks_review(
    *,
    unit: OrgUnit,
    campaign: Campaign,
    as_of: datetime.date | None = None,
    stalled_days: int = DEFAULT_STALLED_DAYS,
    row_limit: int | None = None,
) -> ThreeChecks:
    """The review for ``unit``'s subtree and ``campaign``; the caller has checked both are visible.

    The figures are counted in the database (one query); the rows of each check follow, most
    urgent first, at most ``row_limit`` each (None: all, for the export).
    """
    as_of = as_of or dates.today()
    stalled_before = as_of - datetime.timedelta(days=stalled_days)
    base = Pledge.objects.committed().filter(
        unit.subtree_q("org_unit__"), campaign_id__in=campaign_family_ids(campaign)
    )
    done = Q(completed_on__isnull=False)
    doing = Q(completed_on__isnull=True, percent__gt=0)
    idle = Q(completed_on__isnull=True, percent=0)
    late = Q(deadline__lt=as_of)
    stalled = Q(last_progress_on__lte=stalled_before)
    figures = base.aggregate(
        total=Count("id"),
        completed_count=Count("id", filter=done),
        completed_on_time=Count("id", filter=done & Q(completed_on__lte=F("deadline"))),
        in_progress_count=Count("id", filter=doing),
        in_progress_stalled=Count("id", filter=doing & stalled),
        in_progress_overdue=Count("id", filter=doing & late),
        not_started_count=Count("id", filter=idle),
        not_started_overdue=Count("id", filter=idle & late),
        # Every update sets last_progress_on; a not-started pledge's updates are its 0% 情况说明.
        not_started_without_reason=Count("id", filter=idle & Q(last_progress_on__isnull=True)),
    )
    review = ThreeChecks(
        unit=unit, campaign=campaign, as_of=as_of, stalled_days=stalled_days, row_limit=row_limit, **figures
    )

    rows = base.select_related("org_unit", "category", "responsible_unit", "responsible_person")
    urgency = Case(
        When(late, then=Value(0)), When(stalled, then=Value(1)), default=Value(2), output_field=IntegerField()
    )

    def limited(queryset):
        return queryset[:row_limit] if row_limit is not None else queryset

    for pledge in limited(rows.filter(done).order_by("org_unit__path", "-completed_on", "id")):
        review.completed.append(ReviewRow(pledge=pledge, on_time=pledge.completed_on <= pledge.deadline))
    for pledge in limited(rows.filter(doing).annotate(urgency=urgency).order_by("urgency", "deadline", "id")):
        days = (as_of - pledge.last_progress_on).days if pledge.last_progress_on else None
        review.in_progress.append(
            ReviewRow(
                pledge=pledge,
                overdue=as_of > pledge.deadline,
                stalled=days is not None and days >= stalled_days,
                days_since_progress=days,
            )
        )
    latest_note = (
        PledgeProgress.objects.filter(pledge=OuterRef("pk")).order_by("-reported_on", "-id").values("note")[:1]
    )
    not_started = rows.filter(idle).annotate(urgency=urgency, latest_note=Subquery(latest_note))
    for pledge in limited(not_started.order_by("urgency", "deadline", "id")):
        review.not_started.append(
            ReviewRow(pledge=pledge, overdue=as_of > pledge.deadline, reason=pledge.latest_note or "")
        )
    return review


def three_checks_workbook(review: ThreeChecks) -> bytes:
    """The review as .xlsx: a summary sheet and one sheet per check."""
    workbook = new_workbook()
    heading = _("%(unit)s “三查三看”情况（%(campaign)s，截至 %(date)s）") % {
        "unit": review.unit.name,
        "campaign": review.campaign.title,
        "date": review.as_of.isoformat(),
    }
    summary = [
        (_("承诺事项总数"), review.total),
        (_("一查：已完成（解决了多少）"), review.completed_count),
        (_("其中按期完成"), review.completed_on_time),
        (_("完成率(%)"), review.completion_rate),
        (_("二查：正在办理"), review.in_progress_count),
        (_("其中停滞（%(n)s天以上无进展）") % {"n": review.stalled_days}, review.in_progress_stalled),
        (_("其中已逾期"), review.in_progress_overdue),
        (_("三查：未启动"), review.not_started_count),
        (_("其中已逾期"), review.not_started_overdue),
        (_("其中未说明原因"), review.not_started_without_reason),
    ]
    add_table(workbook, title=_("汇总"), columns=[(_("项目"), 36), (_("数量"), 12)], rows=summary, heading=heading)

    def base(index, row):
        p = row.pledge
        return [index, p.org_unit.name, export_text(p.title), p.category.name, p.deadline, p.responsible_unit.name]

    base_cols = [(_("序号"), 6), (_("承诺单位"), 14), (_("项目名称"), 28), (_("项目类别"), 12)]
    base_cols += [(_("办理时限"), 12), (_("责任单位"), 14)]
    add_table(
        workbook,
        title=_("已完成"),
        columns=[*base_cols, (_("完成时间"), 12), (_("是否按期"), 10), (_("完成情况"), 40)],
        rows=(
            [
                *base(i, r),
                r.pledge.completed_on,
                _("是") if r.on_time else _("否"),
                export_text(r.pledge.completion_note),
            ]
            for i, r in enumerate(review.completed, 1)
        ),
    )
    add_table(
        workbook,
        title=_("正在办理"),
        columns=[*base_cols, (_("完成进度(%)"), 10), (_("具体落实措施"), 40), (_("最近进展日期"), 12)]
        + [(_("停滞"), 8), (_("逾期"), 8)],
        rows=(
            [
                *base(i, r),
                r.pledge.percent,
                export_text(r.pledge.measures),
                r.pledge.last_progress_on,
                _("是") if r.stalled else "",
                _("是") if r.overdue else "",
            ]
            for i, r in enumerate(review.in_progress, 1)
        ),
    )
    add_table(
        workbook,
        title=_("未启动"),
        columns=[*base_cols, (_("未启动原因"), 40), (_("逾期"), 8)],
        rows=(
            [*base(i, r), export_text(r.reason) or _("未说明原因"), _("是") if r.overdue else ""]
            for i, r in enumerate(review.not_started, 1)
        ),
    )
    return workbook_bytes(workbook)
