"""The audit codes the pledges app writes, with their Chinese labels (registered in PledgesConfig.ready).

They keep the names they had while pledges lived in ledgers (``ledgers.pledge_*``): stored rows
carry those names, and the audit page's filter finds old and new events under one family.
"""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit_codes import AuditFamily, register_audit_codes


def _step(action):
    # The approval steps write ``ledgers.pledge_<action>`` (services.PLEDGE_FLOW); their names.
    return format_lazy(_("承诺事项：{action}"), action=action)


class PledgesAudit(models.TextChoices):
    EXPORT = "ledgers.pledge_export", _("导出办实事台帐")
    CREATE = "ledgers.pledge_create", _("新建承诺事项")
    UPDATE = "ledgers.pledge_update", _("修改承诺事项")
    AMEND = "ledgers.pledge_amend", _("变更已审批的承诺")
    REVEAL_TEXT = "ledgers.pledge_reveal_text", _("查看承诺事项中的完整号码")
    WITHDRAW = "ledgers.pledge_withdraw", _("撤回承诺事项")
    PROGRESS = "ledgers.pledge_progress", _("报告承诺进展")
    COMPLETE = "ledgers.pledge_complete", _("承诺事项办结")
    STATUS_REFRESH = "ledgers.pledge_status_refresh", _("承诺状态自动更新")
    SUBMIT = "ledgers.pledge_submit", _step(pgettext_lazy("pledge action", "提交审批"))
    APPROVE = "ledgers.pledge_approve", _step(pgettext_lazy("pledge action", "审批通过"))
    RETURN = "ledgers.pledge_return", _step(pgettext_lazy("pledge action", "退回修改"))
    PUBLISH = "ledgers.pledge_publish", _step(pgettext_lazy("pledge action", "公开"))
    # A step the workflow does not have, asked for anyway (refused; the asked name is in the detail).
    UNKNOWN_STEP = "ledgers.pledge_unknown_step", _step(_("未知的操作（已拒绝）"))


register_audit_codes(PledgesAudit, families=(AuditFamily("ledgers.pledge_", _("承诺事项"), group="pledges"),))
