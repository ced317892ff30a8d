"""What each audit action code means, in words an auditor reads, and how the codes are grouped.

Every ``action`` that any code passes to ``audit_record`` has a label here; the test
``tests/core/test_audit_labels.py`` reads the code base for those calls and fails on a code
without one. The demand and pledge workflow labels are the apps' own (``ACTION_LABELS`` in
``ledgers.demand_flow`` and ``ledgers.pledge_services``), imported on first use: core is loaded
before the apps and must not import them at module level.
"""

from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

_FIXED_LABELS = {
    # Accounts and the back office (core/receivers.py).
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "auth.password_change": _("修改密码"),
    "auth.lockout": _("登录失败次数过多，账号被锁定"),
    "auth.unlock": _("解除登录锁定"),
    # Object URLs asked for outside the user's subtree, answered 404 (core/audit.py).
    "core.scope_denied": _("越权访问（已拒绝）"),
    "admin.add": _("后台新增"),
    "admin.change": _("后台修改"),
    "admin.delete": _("后台删除"),
    "admin.other": _("后台其他操作"),
    # Stored files holding personal data (core/files.py): visit photos, import workbooks.
    "core.file_view": _("查看含个人信息的文件"),
    # Campaigns and their plans (campaigns/services.py).
    "campaigns.campaign_status": _("变更主题活动状态"),
    "campaigns.campaign_from_template": _("由模板新建主题活动"),
    "campaigns.campaign_apply_template": _("主题活动套用方案模板"),
    "campaigns.campaign_shift": _("整体调整活动日期"),
    "campaigns.campaign_cascade": _("向下级单位部署主题活动"),
    "campaigns.milestone_complete": _("登记环节完成"),
    "campaigns.milestone_reopen": _("撤销环节完成"),
    "evaluations.report_schedule": _("生成定期报告计划"),
    "evaluations.report_reveal_text": _("查看报告内容中的完整号码"),
    # Households, members, pairings, liaison points, imports and exports (outreach/services.py).
    "outreach.household_create": _("新增农户/居民户"),
    "outreach.household_update": _("修改农户/居民户"),
    "outreach.household_view": _("查看农户/居民户"),
    "outreach.household_reveal": _("查看户主完整证件号或电话"),
    "outreach.household_reveal_text": _("查看农户备注、住址中的完整号码"),
    "outreach.member_create": _("新增家庭成员"),
    "outreach.member_update": _("修改家庭成员"),
    "outreach.pairing_create": _("新建结对"),
    "outreach.pairing_end": _("结束结对"),
    "outreach.pairing_bulk_assign": _("批量结对"),
    "outreach.liaison_point_create": _("新增联系点"),
    "outreach.liaison_point_delete": _("删除联系点"),
    "outreach.import_upload": _("上传导入文件"),
    "outreach.import_discard": _("放弃导入文件"),
    "outreach.import_expire": _("删除逾期未确认的导入文件"),
    "outreach.import_preview_personal": _("查看导入预览（含完整个人信息）"),
    "outreach.import_households": _("导入农户/居民户"),
    "outreach.import_cadres": _("导入干部"),
    "outreach.import_pairings": _("导入结对"),
    "outreach.import_errors_export": _("下载导入错误行"),
    "outreach.export": _("导出（个人信息已遮蔽）"),
    "outreach.export_personal": _("导出（含完整个人信息）"),
    # Other downloads, each recorded with its filter and row count (core.audit.audit_export).
    "ledgers.visit_export": _("导出民情台账"),
    "ledgers.demand_export": _("导出整改台账"),
    "ledgers.pledge_export": _("导出办实事台帐"),
    "evaluations.three_checks_export": _("导出三查三看"),
    "campaigns.plan_export": _("后台导出工作环节或量化指标"),
    # Visits, demands, forums and reception days (ledgers/services.py, ledgers/demand_flow.py).
    "ledgers.visit_record": _("登记走访"),
    "ledgers.visit_update": _("修改走访记录"),
    "ledgers.visit_delete": _("删除走访记录"),
    "ledgers.demand_update": _("修改诉求"),
    "ledgers.demand_reveal_phone": _("查看诉求人完整电话"),
    "ledgers.visit_reveal_text": _("查看走访记录中的完整号码"),
    "ledgers.demand_reveal_text": _("查看诉求内容中的完整号码"),
    "outreach.forum_reveal_text": _("查看访谈纪要中的完整号码"),
    "outreach.receptionday_reveal_text": _("查看接待情况中的完整号码"),
    "outreach.forum_create": _("登记群众访谈日"),
    "outreach.forum_update": _("修改群众访谈日"),
    "outreach.receptionday_create": _("登记接待日"),
    "outreach.receptionday_update": _("修改接待日"),
    # Pledges (ledgers/pledge_services.py); the approval steps come from its ACTION_LABELS.
    "ledgers.pledge_create": _("新建承诺事项"),
    "ledgers.pledge_update": _("修改承诺事项"),
    "ledgers.pledge_amend": _("变更已审批的承诺"),
    "ledgers.pledge_reveal_text": _("查看承诺事项中的完整号码"),
    "ledgers.pledge_withdraw": _("撤回承诺事项"),
    "ledgers.pledge_progress": _("报告承诺进展"),
    "ledgers.pledge_complete": _("承诺事项办结"),
    "ledgers.pledge_status_refresh": _("承诺状态自动更新"),
    # Reminders (reminders/services.py).
    "reminders.preference_update": _("修改提醒偏好"),
    "reminders.delivery_retry": _("重发提醒"),
}

# The back office of outreach (outreach/admin.py BigTableAdmin) writes
# ``outreach.<model_name>_admin_<verb>`` for these models.
_OUTREACH_ADMIN_MODELS = {
    "household": _("农户/居民户"),
    "householdmember": _("家庭成员"),
    "pairing": _("结对"),
    "liaisonpoint": _("联系点"),
    "importjob": _("导入任务"),
}
_OUTREACH_ADMIN_VERBS = {
    "admin_add": _("后台新增{thing}"),
    "admin_change": _("后台修改{thing}"),
    "admin_delete": _("后台删除{thing}"),
}


@dataclass(frozen=True)
class ActionFamily:
    """Codes that start with ``prefix``: what the filter offers as "all of ..."."""

    prefix: str
    label: Promise


@dataclass(frozen=True)
class ActionGroup:
    """One heading of the audit page's action filter; a code belongs to the first group it matches."""

    key: str
    label: Promise
    families: tuple[ActionFamily, ...]

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(family.prefix for family in self.families)

    def holds(self, code: str) -> bool:
        return code.startswith(self.prefixes)


ACTION_GROUPS = (
    ActionGroup(
        "account",
        _("账号与登录"),
        (
            ActionFamily("auth.", _("登录与退出")),
            ActionFamily("admin.", _("后台管理")),
            ActionFamily("core.scope_", _("越权访问")),
        ),
    ),
    ActionGroup(
        "campaigns",
        _("主题活动"),
        (
            ActionFamily("campaigns.campaign_", _("活动方案与部署")),
            ActionFamily("campaigns.milestone_", _("工作环节")),
            ActionFamily("campaigns.plan_", _("方案导出")),
            ActionFamily("evaluations.", _("报告")),
        ),
    ),
    ActionGroup(
        "people",
        _("群众与结对"),
        (
            # Without the underscore: ``outreach.householdmember_admin_add`` is a household's too.
            ActionFamily("outreach.household", _("农户/居民户")),
            ActionFamily("outreach.member_", _("家庭成员")),
            ActionFamily("outreach.pairing", _("结对")),
            ActionFamily("outreach.liaison", _("联系点")),
            ActionFamily("outreach.import", _("导入")),
            ActionFamily("outreach.export", _("导出")),
            ActionFamily("core.file_", _("含个人信息的文件")),
        ),
    ),
    ActionGroup(
        "visits",
        _("走访与诉求"),
        (
            ActionFamily("ledgers.visit_", _("走访")),
            ActionFamily("ledgers.demand_", _("诉求")),
            ActionFamily("outreach.forum_", _("群众访谈日")),
            ActionFamily("outreach.receptionday_", _("接待日")),
        ),
    ),
    ActionGroup("pledges", _("承诺办实事"), (ActionFamily("ledgers.pledge_", _("承诺事项")),)),
    ActionGroup("reminders", _("提醒"), (ActionFamily("reminders.", _("提醒")),)),
)


@cache
def action_labels() -> dict[str, Promise]:
    """Every known action code → its (lazy) Chinese label, in the order the filter lists them."""
    from ledgers.demand_flow import ACTION_LABELS as DEMAND_ACTIONS
    from ledgers.pledge_services import ACTION_LABELS as PLEDGE_ACTIONS

    labels = dict(_FIXED_LABELS)
    for model_name, thing in _OUTREACH_ADMIN_MODELS.items():
        for verb, template in _OUTREACH_ADMIN_VERBS.items():
            labels[f"outreach.{model_name}_{verb}"] = format_lazy(template, thing=thing)
    # Demand transitions are written as ``ledgers.demand_<action>`` (demand_flow._finish).
    for action, label in DEMAND_ACTIONS.items():
        labels[f"ledgers.demand_{action}"] = format_lazy(_("诉求：{action}"), action=label)
    # Pledge approval steps are ``ledgers.pledge_<action>`` (pledge_services.TRANSITIONS).
    for action, label in PLEDGE_ACTIONS.items():
        labels[f"ledgers.pledge_{action}"] = format_lazy(_("承诺事项：{action}"), action=label)
    return labels


def action_label(code: str) -> str:
    """The Chinese label of an audit action code; a code nobody labelled is shown as it is."""
    label = action_labels().get(code)
    return str(label) if label is not None else code


def action_group(code: str) -> ActionGroup | None:
    return next((group for group in ACTION_GROUPS if group.holds(code)), None)


def action_group_by_key(key: str) -> ActionGroup | None:
    return next((group for group in ACTION_GROUPS if group.key == key), None)


def grouped_action_codes() -> list[tuple[ActionGroup, list[str]]]:
    """The known codes under their groups, in registry order; every group, even an empty one."""
    codes = list(action_labels())
    grouped = []
    for group in ACTION_GROUPS:
        mine = [code for code in codes if action_group(code) is group]
        # Family by family (all demand steps together), registry order within a family.
        family_of = {code: next(i for i, p in enumerate(group.prefixes) if code.startswith(p)) for code in mine}
        grouped.append((group, sorted(mine, key=lambda code: (family_of[code], codes.index(code)))))
    return grouped
