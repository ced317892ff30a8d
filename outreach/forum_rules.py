"""Forum rules (notice lead time, minimum attendance) read from the campaign's Requirements.

Rules are data (campaigns.Requirement, built by the campaigns app). A requirement applies to
forums when its ``kind`` mentions "forum"; its ``params`` may carry ``notice_days`` (a notice
must be posted at least that many days before the forum) and ``min_attendance`` (people per
forum). The campaign's own requirements win over those of the plans it implements (parent
chain). With no such requirement the town plan's figures apply (走进群众, 2008: "提前五天 …
张贴预告", "各村参与活动人数不得少于30人") and the page says so.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Requirement
from core import dates

PLAN_NOTICE_DAYS = 5
PLAN_MIN_ATTENDANCE = 30
NOTICE_KEYS = ("notice_days", "notice_lead_days", "lead_days")
ATTENDANCE_KEYS = ("min_attendance", "min_participants", "minimum")


@dataclass
class ForumRules:
    notice_days: int = PLAN_NOTICE_DAYS
    min_attendance: int = PLAN_MIN_ATTENDANCE
    from_requirement: bool = False
    notes: list[str] = field(default_factory=list)


def _first(params: dict, keys):
    for key in keys:
        value = params.get(key)
        if value not in (None, ""):
            try:
                return int(value)
            except (TypeError, ValueError):
                continue
    return None


def forum_rules_for(campaign) -> ForumRules:
    """The forum rules of ``campaign`` (one or two queries), or the plan's defaults with a note."""
    rules = ForumRules()
    notice = attendance = None
    chain, seen = [], set()
    node = campaign
    while node is not None and node.pk not in seen and len(chain) < 6:
        chain.append(node.pk)
        seen.add(node.pk)
        node = node.parent if node.parent_id else None
    if chain:
        rows = list(
            Requirement.objects.filter(campaign_id__in=chain, kind__icontains="forum").values("campaign_id", "params")
        )
        rows.sort(key=lambda r: chain.index(r["campaign_id"]))
        for row in rows:
            params = row["params"] if isinstance(row["params"], dict) else {}
            notice = notice if notice is not None else _first(params, NOTICE_KEYS)
            attendance = attendance if attendance is not None else _first(params, ATTENDANCE_KEYS)
    if notice is not None:
        rules.notice_days, rules.from_requirement = notice, True
    if attendance is not None:
        rules.min_attendance, rules.from_requirement = attendance, True
    if notice is None or attendance is None:
        rules.notes.append(
            _(
                "本活动未设置访谈日工作要求，按《走进群众》方案执行：提前%(days)s天张贴预告，每村参加人数不少于%(people)s人。"
            )
            % {"days": rules.notice_days, "people": rules.min_attendance}
        )
    return rules


def forum_warnings(forum, rules: ForumRules) -> list[str]:
    """What a leader should see about a forum against the rules (no queries)."""
    warnings = []
    held_on = dates.day_of(forum.held_at)
    if forum.notice_posted_on is None:
        warnings.append(_("未登记预告张贴日期（应提前%(days)s天张贴预告）。") % {"days": rules.notice_days})
    else:
        lead = (held_on - forum.notice_posted_on).days
        if lead < rules.notice_days:
            warnings.append(
                _("预告仅提前%(lead)s天张贴，少于要求的%(days)s天。") % {"lead": lead, "days": rules.notice_days}
            )
    if forum.held_at <= timezone.now() and forum.attendance < rules.min_attendance:
        warnings.append(
            _("参加人数%(n)s人，少于要求的%(min)s人。") % {"n": forum.attendance, "min": rules.min_attendance}
        )
    return warnings
