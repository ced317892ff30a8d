"""The audit codes the campaigns app writes, with their Chinese labels (registered in CampaignsConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit_codes import AuditFamily, register_audit_codes


class CampaignsAudit(models.TextChoices):
    # Campaigns and their plans (campaigns/services.py).
    CAMPAIGN_STATUS = "campaigns.campaign_status", _("变更主题活动状态")
    CAMPAIGN_FROM_TEMPLATE = "campaigns.campaign_from_template", _("由模板新建主题活动")
    CAMPAIGN_APPLY_TEMPLATE = "campaigns.campaign_apply_template", _("主题活动套用方案模板")
    CAMPAIGN_SHIFT = "campaigns.campaign_shift", _("整体调整活动日期")
    CAMPAIGN_CASCADE = "campaigns.campaign_cascade", _("向下级单位部署主题活动")
    MILESTONE_COMPLETE = "campaigns.milestone_complete", _("登记环节完成")
    MILESTONE_REOPEN = "campaigns.milestone_reopen", _("撤销环节完成")
    # The back office's download of steps or requirements (campaigns/admin.py).
    PLAN_EXPORT = "campaigns.plan_export", _("后台导出工作环节或量化指标")


register_audit_codes(
    CampaignsAudit,
    families=(
        AuditFamily("campaigns.campaign_", _("活动方案与部署"), group="campaigns"),
        AuditFamily("campaigns.milestone_", _("工作环节"), group="campaigns"),
        AuditFamily("campaigns.plan_", _("方案导出"), group="campaigns"),
    ),
)
