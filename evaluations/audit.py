"""The audit codes the evaluations app writes, with their Chinese labels (registered in EvaluationsConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit_codes import AuditFamily, register_audit_codes


class EvaluationsAudit(models.TextChoices):
    REPORT_SCHEDULE = "evaluations.report_schedule", _("生成定期报告计划")
    REPORT_REVEAL_TEXT = "evaluations.report_reveal_text", _("查看报告内容中的完整号码")
    THREE_CHECKS_EXPORT = "evaluations.three_checks_export", _("导出三查三看")


register_audit_codes(EvaluationsAudit, families=(AuditFamily("evaluations.", _("报告"), group="campaigns"),))
