"""The forum rule (notice lead time, minimum attendance): the one place it is read and judged.

A campaign states the rule as a ``forum_rules`` requirement (campaigns.Requirement, params
``notice_days``: the notice is posted at least that many days before the forum, and
``min_attendance``: people per forum). The campaign's own requirement wins over those of the
plans it implements (parent chain). With none, the town plan's figures apply (走进群众, 2008:
"提前五天 … 张贴预告", "各村参与活动人数不得少于30人") and the page says so.

``forum_shortfalls`` judges one forum against the rule; the forum pages show its sentences as
warnings and requirement scoring (evaluations.scoring) counts a village as covered by a forum
with none, so the page and the plan's figures cannot disagree about a forum.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Requirement
from core import dates

PLAN_NOTICE_DAYS = 5
PLAN_MIN_ATTENDANCE = 30
REQUIREMENT_KIND = "forum_rules"


@dataclass
class ForumRules:
    notice_days: int = PLAN_NOTICE_DAYS
    min_attendance: int = PLAN_MIN_ATTENDANCE
    from_requirement: bool = False
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: dict) -> "ForumRules":
        """The rule as a requirement states it (params validated by campaigns.requirements)."""
        return cls(
            notice_days=int(params["notice_days"]), min_attendance=int(params["min_attendance"]), from_requirement=True
        )


def forum_rules_for(campaign) -> ForumRules:
    """The forum rules of ``campaign`` (one or two queries), or the plan's defaults with a note."""
    chain, seen = [], set()
    node = campaign
    while node is not None and node.pk not in seen and len(chain) < 6:
        chain.append(node.pk)
        seen.add(node.pk)
        node = node.parent if node.parent_id else None
    if chain:
        rows = Requirement.objects.filter(campaign_id__in=chain, kind=REQUIREMENT_KIND).values("campaign_id", "params")
        for row in sorted(rows, key=lambda r: chain.index(r["campaign_id"])):
            params = row["params"] if isinstance(row["params"], dict) else {}
            try:
                return ForumRules.from_params(params)
            except (KeyError, TypeError, ValueError):
                continue  # a requirement saved before its parameters were checked: the next one
    rules = ForumRules()
    rules.notes.append(
        _(
            "本活动未设置访谈日工作要求，按《走进群众》方案执行：提前%(days)s天张贴预告，每村参加人数不少于%(people)s人。"
        )
        % {"days": rules.notice_days, "people": rules.min_attendance}
    )
    return rules


def forum_shortfalls(
    rules: ForumRules,
    *,
    held_at: datetime.datetime,
    notice_posted_on: datetime.date | None,
    attendance: int,
    now: datetime.datetime | None = None,
) -> list[str]:
    """How a forum falls short of ``rules`` (sentences for a leader; empty when it complies).

    Attendance is judged once the forum has been held (``now``, default the current time).
    """
    shortfalls = []
    held_on = dates.day_of(held_at)
    if notice_posted_on is None:
        shortfalls.append(_("未登记预告张贴日期（应提前%(days)s天张贴预告）。") % {"days": rules.notice_days})
    else:
        lead = (held_on - notice_posted_on).days
        if lead < rules.notice_days:
            shortfalls.append(
                _("预告仅提前%(lead)s天张贴，少于要求的%(days)s天。") % {"lead": lead, "days": rules.notice_days}
            )
    if held_at <= (now or timezone.now()) and attendance < rules.min_attendance:
        shortfalls.append(_("参加人数%(n)s人，少于要求的%(min)s人。") % {"n": attendance, "min": rules.min_attendance})
    return shortfalls


def forum_warnings(forum, rules: ForumRules) -> list[str]:
    """What a leader should see about ``forum`` against the rules (no queries)."""
    return forum_shortfalls(
        rules, held_at=forum.held_at, notice_posted_on=forum.notice_posted_on, attendance=forum.attendance
    )
