"""Requirement kinds as data: what parameters each kind takes, whom it binds, when it falls due.

A Requirement row holds the quota (``params``), whom it binds (``scope`` and ``unit_kinds``) and
its period. This module says which parameters, periods and scopes each kind accepts (checked in
Chinese when the row is saved), which cadres a scope binds, and when reports fall due: the plan's
side of a requirement, which reads nothing but the plan and the org tree.

How a requirement is *met* (counting visits, pairings, forums, reception days and reports, which
live in apps above this one) is scoring, in ``evaluations/scoring.py``. The plan page here shows
its results through ``requirement_evaluator()``: a slot the evaluations app fills in its
``AppConfig.ready()``, so campaigns never imports an app above it.
"""

import calendar
import datetime

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

# ---- parameters ---------------------------------------------------------------------------

CADRE_SCOPES = ("all_cadres", "leaders", "principals", "senior")

# kind -> (parameter spec, allowed periods, allowed scopes)
# spec: name -> (type, required, extra check or choices)
KIND_SPECS = {
    "visits_per_cadre": (
        {"min": (int, True, None), "count": (str, False, ("households", "visits", "days"))},
        ("campaign", "month"),
        CADRE_SCOPES,
    ),
    "pairings_per_cadre": (
        {
            "min": (int, True, None),
            "pairing_kinds": (list, False, None),
            "member_flag": (str, False, ("", "is_poor_woman", "is_poor_child")),
            "household_categories": (list, False, None),
        },
        ("campaign",),
        CADRE_SCOPES,
    ),
    "must_visit_coverage": (
        {"category_group": (str, False, ("five_must", "six_must", "other")), "categories": (list, False, None)},
        ("campaign",),
        ("unit",),
    ),
    "leader_grassroots_days": ({"min_days": (int, True, None)}, ("year", "campaign"), CADRE_SCOPES),
    "village_stay_days": ({"min_days": (int, True, None)}, ("phase",), CADRE_SCOPES),
    "reception_days": ({"min": (int, True, None)}, ("month", "week"), CADRE_SCOPES),
    "forum_rules": (
        {"min_attendance": (int, True, None), "notice_days": (int, True, None)},
        ("campaign",),
        ("unit",),
    ),
    "reports_every": (
        {"interval_months": (int, True, None), "first_due": (str, False, None)},
        ("month",),
        ("unit",),
    ),
}

PARAM_LABELS = {
    "min": gettext_noop("最低数量"),
    "count": gettext_noop("计数口径"),
    "pairing_kinds": gettext_noop("帮扶形式"),
    "member_flag": gettext_noop("帮扶对象类型"),
    "household_categories": gettext_noop("户类别"),
    "category_group": gettext_noop("必访类别组"),
    "categories": gettext_noop("必访类别"),
    "min_days": gettext_noop("最少天数"),
    "min_attendance": gettext_noop("最少参加人数"),
    "notice_days": gettext_noop("提前公告天数"),
    "interval_months": gettext_noop("上报间隔（月）"),
    "first_due": gettext_noop("首次上报日期"),
}


def list_sep() -> str:
    """The separator between listed items: 、 in Chinese, a comma in English."""
    return pgettext("list separator", "、")


UNIT_KINDS = ("province", "city", "county", "township", "village", "office")


def validate_requirement_params(requirement) -> None:
    """Check a requirement's params, scope and period against its kind; Chinese messages."""
    kind = requirement.kind
    if kind not in KIND_SPECS:
        raise ValidationError({"kind": _("未知的指标类型。")})
    spec, periods, scopes = KIND_SPECS[kind]
    params = requirement.params
    errors = {}
    param_errors = []
    if not isinstance(params, dict):
        raise ValidationError({"params": _('参数必须是 JSON 对象，例如 {"min": 10}。')})
    for key in params:
        if key not in spec:
            param_errors.append(
                _("不支持的参数“%(key)s”；此类指标可用参数：%(keys)s。") % {"key": key, "keys": list_sep().join(spec)}
            )
    for key, (typ, required, check) in spec.items():
        label = _(PARAM_LABELS[key])
        if key not in params:
            if required:
                param_errors.append(_("缺少参数“%(key)s”（%(label)s）。") % {"key": key, "label": label})
            continue
        value = params[key]
        if typ is int and (isinstance(value, bool) or not isinstance(value, int)):
            param_errors.append(_("参数“%(label)s”必须是整数。") % {"label": label})
            continue
        if typ is int and value < 1:
            param_errors.append(_("参数“%(label)s”必须大于0。") % {"label": label})
        if typ is str and not isinstance(value, str):
            param_errors.append(_("参数“%(label)s”必须是文字。") % {"label": label})
            continue
        if typ is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            param_errors.append(_("参数“%(label)s”必须是文字列表。") % {"label": label})
            continue
        if isinstance(check, tuple) and value not in check:
            param_errors.append(
                _("参数“%(label)s”的取值“%(value)s”无效，可选：%(choices)s。")
                % {"label": label, "value": value, "choices": list_sep().join(c for c in check if c)}
            )
    if kind == "reports_every" and params.get("interval_months", 1) > 12:
        param_errors.append(_("上报间隔不能超过12个月。"))
    if kind == "reports_every" and params.get("first_due"):
        try:
            datetime.date.fromisoformat(params["first_due"])
        except (TypeError, ValueError):
            param_errors.append(_("首次上报日期须为 YYYY-MM-DD 格式。"))
    if kind == "must_visit_coverage" and not params.get("category_group") and not params.get("categories"):
        param_errors.append(_("请指定必访类别组（category_group）或必访类别（categories）。"))
    if kind == "pairings_per_cadre" and params.get("pairing_kinds"):
        known = {"support", "poor_kin", "neighbours", "poor_woman", "poor_child"}
        unknown = [k for k in params["pairing_kinds"] if k not in known]
        if unknown:
            param_errors.append(_("未知的帮扶形式：%(kinds)s。") % {"kinds": list_sep().join(unknown)})
    if param_errors:
        errors["params"] = param_errors
    if requirement.period not in periods:
        errors["period"] = [
            _("此类指标的考核周期只能是：%(periods)s。")
            % {"periods": list_sep().join(_period_label(p) for p in periods)}
        ]
    if requirement.scope not in scopes:
        errors["scope"] = [
            _("此类指标的适用对象只能是：%(scopes)s。") % {"scopes": list_sep().join(scope_label(s) for s in scopes)}
        ]
    unit_kinds = requirement.unit_kinds
    if not isinstance(unit_kinds, list) or any(k not in UNIT_KINDS for k in unit_kinds):
        errors["unit_kinds"] = [_("适用层级须为列表，可选：%(kinds)s。") % {"kinds": list_sep().join(UNIT_KINDS)}]
    if errors:
        raise ValidationError(errors)


def requirement_period_label(requirement) -> str:
    """The period as the plan says it: a report owed every two months reads 每2个月, not 每月."""
    if requirement.kind == "reports_every":
        try:
            months = int((requirement.params or {}).get("interval_months") or 1)
        except (TypeError, ValueError):
            months = 1
        if months > 1:
            return _("每%(n)s个月") % {"n": months}
    return _period_label(requirement.period)


def _period_label(value):
    from .models import Requirement

    return str(Requirement.Period(value).label)


def scope_label(value):
    from .models import Requirement

    return str(Requirement.Scope(value).label)


# ---- whom a requirement binds --------------------------------------------------------------


def cadres_bound_q(scope: str, unit_kinds=()) -> Q:
    """The cadres a cadre-level requirement of ``scope`` binds, as a filter on Cadre.

    主要负责同志 (principals) are leaders whose title is not a deputy post (副主席、副局长 …):
    the plans set them apart from the rest of the leadership (济南市档案局 2011: 主要负责同志至少
    每月1次、领导班子成员至少每周1次). Scoring and the pairing-status page both read it from here.
    """
    q = Q()
    if scope == "leaders":
        q &= Q(is_leader=True)
    elif scope == "principals":
        q &= Q(is_leader=True) & ~Q(title__contains="副")
    elif scope == "senior":
        q &= Q(is_senior=True)
    if unit_kinds:
        q &= Q(org_unit__kind__in=list(unit_kinds))
    return q


# ---- dates ---------------------------------------------------------------------------------


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_due_dates(requirement) -> list[datetime.date]:
    """The dates a reports-every-N-months requirement falls due: the end of every N-th month."""
    campaign = requirement.campaign
    interval = requirement.params["interval_months"]
    first = requirement.params.get("first_due")
    due = (
        datetime.date.fromisoformat(first)
        if first
        else month_end(add_months(campaign.start_date.replace(day=1), interval - 1))
    )
    dates = []
    while due <= campaign.end_date:
        dates.append(due)
        due = month_end(add_months(due.replace(day=1), interval))
    return dates


# ---- evaluation, supplied from above -------------------------------------------------------

# Scoring counts rows of apps above campaigns (visits, pairings, forums, reception days,
# reports); the evaluations app registers its evaluator here when it is ready. One slot, not a
# registry per kind: one function answers for every kind, with one notion of "applicable".
_evaluator = None


def register_requirement_evaluator(evaluate) -> None:
    """Install ``evaluate(requirement, *, unit=None, cadre=None, as_of=None)`` (evaluations does)."""
    global _evaluator
    _evaluator = evaluate


def requirement_evaluator():
    """The registered evaluator; its results have target, actual, measure, status, note, rows."""
    if _evaluator is None:
        raise ImproperlyConfigured("No requirement evaluator: the evaluations app is not installed.")
    return _evaluator
