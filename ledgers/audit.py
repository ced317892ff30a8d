"""The audit codes the ledgers app writes, with their Chinese labels (registered in LedgersConfig.ready)."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit_codes import AuditFamily, register_audit_codes


def _demand_step(action):
    # The demand workflow writes ``ledgers.demand_<action>`` (demand_flow); its step names.
    return format_lazy(_("诉求：{action}"), action=action)


class LedgersAudit(models.TextChoices):
    # Visits and demands (ledgers/services.py, ledgers/demand_flow.py) and their downloads.
    VISIT_EXPORT = "ledgers.visit_export", _("导出民情台账")
    VISIT_RECORD = "ledgers.visit_record", _("登记走访")
    VISIT_UPDATE = "ledgers.visit_update", _("修改走访记录")
    VISIT_DELETE = "ledgers.visit_delete", _("删除走访记录")
    VISIT_REVEAL_TEXT = "ledgers.visit_reveal_text", _("查看走访记录中的完整号码")
    DEMAND_EXPORT = "ledgers.demand_export", _("导出整改台账")
    DEMAND_UPDATE = "ledgers.demand_update", _("修改诉求")
    DEMAND_REVEAL_PHONE = "ledgers.demand_reveal_phone", _("查看诉求人完整电话")
    DEMAND_REVEAL_TEXT = "ledgers.demand_reveal_text", _("查看诉求内容中的完整号码")
    DEMAND_RAISE = "ledgers.demand_raise", _demand_step(pgettext_lazy("demand action", "受理"))
    DEMAND_RESOLVE_ON_SPOT = "ledgers.demand_resolve_on_spot", _demand_step(pgettext_lazy("demand action", "即时办结"))
    DEMAND_PLACE_ON_LEDGER = (
        "ledgers.demand_place_on_ledger",
        _demand_step(pgettext_lazy("demand action", "列入整改台账")),
    )
    DEMAND_ASSIGN = "ledgers.demand_assign", _demand_step(pgettext_lazy("demand action", "调整责任"))
    DEMAND_PROGRESS = "ledgers.demand_progress", _demand_step(pgettext_lazy("demand action", "报告进展"))
    DEMAND_RESOLVE = "ledgers.demand_resolve", _demand_step(pgettext_lazy("demand action", "办结"))
    DEMAND_REPLY = "ledgers.demand_reply", _demand_step(pgettext_lazy("demand action", "书面回复"))
    DEMAND_CLOSE = "ledgers.demand_close", _demand_step(pgettext_lazy("demand action", "销号"))
    DEMAND_REOPEN = "ledgers.demand_reopen", _demand_step(pgettext_lazy("demand action", "重新办理"))
    DEMAND_ESCALATE = "ledgers.demand_escalate", _demand_step(pgettext_lazy("demand action", "逾期督办"))


register_audit_codes(
    LedgersAudit,
    families=(
        AuditFamily("ledgers.visit_", _("走访"), group="visits"),
        AuditFamily("ledgers.demand_", _("诉求"), group="visits"),
    ),
)
