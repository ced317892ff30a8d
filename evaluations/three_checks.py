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

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from openpyxl import Workbook

from campaigns.models import Campaign, OrgUnit
from ledgers.models import Pledge, PledgeProgress
from ledgers.pledge_export import add_sheet, workbook_bytes
from ledgers.pledge_services import local_today

DEFAULT_STALLED_DAYS = 30


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
    completed: list[ReviewRow] = field(default_factory=list)
    in_progress: list[ReviewRow] = field(default_factory=list)
    not_started: list[ReviewRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.completed) + len(self.in_progress) + len(self.not_started)

    @property
    def completed_on_time(self) -> int:
        return sum(1 for row in self.completed if row.on_time)

    @property
    def in_progress_stalled(self) -> int:
        return sum(1 for row in self.in_progress if row.stalled)

    @property
    def in_progress_overdue(self) -> int:
        return sum(1 for row in self.in_progress if row.overdue)

    @property
    def not_started_overdue(self) -> int:
        return sum(1 for row in self.not_started if row.overdue)

    @property
    def not_started_without_reason(self) -> int:
        return sum(1 for row in self.not_started if not row.reason)

    @property
    def completion_rate(self) -> float:
        return round(100 * len(self.completed) / self.total, 1) if self.total else 0.0


def campaign_family_ids(campaign: Campaign) -> list[int]:
    """The campaign and every campaign implementing it below (child plans of subordinate units)."""
    ids, frontier = [campaign.pk], [campaign.pk]
    while frontier:
        frontier = list(Campaign.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.extend(frontier)
    return ids


def three_checks_review(
    *, unit: OrgUnit, campaign: Campaign, as_of: datetime.date | None = None, stalled_days: int = DEFAULT_STALLED_DAYS
) -> ThreeChecks:
    """The review for ``unit``'s subtree and ``campaign``; the caller has checked both are visible."""
    as_of = as_of or local_today()
    latest_note = (
        PledgeProgress.objects.filter(pledge=OuterRef("pk")).order_by("-reported_on", "-id").values("note")[:1]
    )
    pledges = (
        Pledge.objects.committed()
        .filter(campaign_id__in=campaign_family_ids(campaign), org_unit__path__startswith=unit.path)
        .select_related("org_unit", "category", "responsible_unit", "responsible_person")
        .annotate(latest_note=Subquery(latest_note))
        .order_by("org_unit__path", "deadline", "id")
    )
    review = ThreeChecks(unit=unit, campaign=campaign, as_of=as_of, stalled_days=stalled_days)
    for pledge in pledges:
        if pledge.completed_on is not None:
            review.completed.append(ReviewRow(pledge=pledge, on_time=pledge.completed_on <= pledge.deadline))
            continue
        overdue = as_of > pledge.deadline
        if pledge.percent > 0:
            days = (as_of - pledge.last_progress_on).days if pledge.last_progress_on else None
            review.in_progress.append(
                ReviewRow(
                    pledge=pledge,
                    overdue=overdue,
                    stalled=days is not None and days >= stalled_days,
                    days_since_progress=days,
                )
            )
        else:
            review.not_started.append(ReviewRow(pledge=pledge, overdue=overdue, reason=pledge.latest_note or ""))
    return review


def three_checks_workbook(review: ThreeChecks) -> bytes:
    """The review as .xlsx: a summary sheet and one sheet per check."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    heading = _("%(unit)s “三查三看”情况（%(campaign)s，截至 %(date)s）") % {
        "unit": review.unit.name,
        "campaign": review.campaign.title,
        "date": review.as_of.isoformat(),
    }
    summary = [
        (_("承诺事项总数"), review.total),
        (_("一查：已完成（解决了多少）"), len(review.completed)),
        (_("其中按期完成"), review.completed_on_time),
        (_("完成率(%)"), review.completion_rate),
        (_("二查：正在办理"), len(review.in_progress)),
        (_("其中停滞（%(n)s天以上无进展）") % {"n": review.stalled_days}, review.in_progress_stalled),
        (_("其中已逾期"), review.in_progress_overdue),
        (_("三查：未启动"), len(review.not_started)),
        (_("其中已逾期"), review.not_started_overdue),
        (_("其中未说明原因"), review.not_started_without_reason),
    ]
    add_sheet(workbook, _("汇总"), [(_("项目"), 36), (_("数量"), 12)], summary, heading=heading)

    def base(index, row):
        p = row.pledge
        return [index, p.org_unit.name, p.title, p.category.name, p.deadline, p.responsible_unit.name]

    base_cols = [(_("序号"), 6), (_("承诺单位"), 14), (_("项目名称"), 28), (_("项目类别"), 12)]
    base_cols += [(_("办理时限"), 12), (_("责任单位"), 14)]
    add_sheet(
        workbook,
        _("已完成"),
        [*base_cols, (_("完成时间"), 12), (_("是否按期"), 10), (_("完成情况"), 40)],
        (
            [*base(i, r), r.pledge.completed_on, _("是") if r.on_time else _("否"), r.pledge.completion_note]
            for i, r in enumerate(review.completed, 1)
        ),
    )
    add_sheet(
        workbook,
        _("正在办理"),
        [*base_cols, (_("完成进度(%)"), 10), (_("具体落实措施"), 40), (_("最近进展日期"), 12)]
        + [(_("停滞"), 8), (_("逾期"), 8)],
        (
            [
                *base(i, r),
                r.pledge.percent,
                r.pledge.measures,
                r.pledge.last_progress_on,
                _("是") if r.stalled else "",
                _("是") if r.overdue else "",
            ]
            for i, r in enumerate(review.in_progress, 1)
        ),
    )
    add_sheet(
        workbook,
        _("未启动"),
        [*base_cols, (_("未启动原因"), 40), (_("逾期"), 8)],
        (
            [*base(i, r), r.reason or _("未说明原因"), _("是") if r.overdue else ""]
            for i, r in enumerate(review.not_started, 1)
        ),
    )
    return workbook_bytes(workbook)
