"""The audit codes the outreach app writes, with their Chinese labels (registered in OutreachConfig.ready)."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.audit_codes import AuditFamily, register_audit_codes

# The back office of outreach (outreach/admin.py BigTableAdmin) writes
# ``outreach.<model_name>_admin_<verb>``; these name the thing and the verb.
_ADD, _CHANGE, _DELETE = _("后台新增{thing}"), _("后台修改{thing}"), _("后台删除{thing}")
_HOUSEHOLD, _MEMBER, _PAIRING = _("农户/居民户"), _("家庭成员"), _("结对")
_LIAISON_POINT, _IMPORT_JOB = _("联系点"), _("导入任务")


class OutreachAudit(models.TextChoices):
    # Households, members, pairings, liaison points, imports and exports (outreach/services.py).
    HOUSEHOLD_CREATE = "outreach.household_create", _("新增农户/居民户")
    HOUSEHOLD_UPDATE = "outreach.household_update", _("修改农户/居民户")
    HOUSEHOLD_VIEW = "outreach.household_view", _("查看农户/居民户")
    HOUSEHOLD_REVEAL = "outreach.household_reveal", _("查看户主完整证件号或电话")
    HOUSEHOLD_REVEAL_TEXT = "outreach.household_reveal_text", _("查看农户备注、住址中的完整号码")
    MEMBER_CREATE = "outreach.member_create", _("新增家庭成员")
    MEMBER_UPDATE = "outreach.member_update", _("修改家庭成员")
    PAIRING_CREATE = "outreach.pairing_create", _("新建结对")
    PAIRING_END = "outreach.pairing_end", _("结束结对")
    PAIRING_BULK_ASSIGN = "outreach.pairing_bulk_assign", _("批量结对")
    LIAISON_POINT_CREATE = "outreach.liaison_point_create", _("新增联系点")
    LIAISON_POINT_DELETE = "outreach.liaison_point_delete", _("删除联系点")
    IMPORT_UPLOAD = "outreach.import_upload", _("上传导入文件")
    IMPORT_DISCARD = "outreach.import_discard", _("放弃导入文件")
    IMPORT_EXPIRE = "outreach.import_expire", _("删除逾期未确认的导入文件")
    IMPORT_PREVIEW_PERSONAL = "outreach.import_preview_personal", _("查看导入预览（含完整个人信息）")
    # ``outreach.import_<kind>``, one per importer (outreach.importing.IMPORTERS).
    IMPORT_HOUSEHOLDS = "outreach.import_households", _("导入农户/居民户")
    IMPORT_CADRES = "outreach.import_cadres", _("导入干部")
    IMPORT_PAIRINGS = "outreach.import_pairings", _("导入结对")
    IMPORT_ERRORS_EXPORT = "outreach.import_errors_export", _("下载导入错误行")
    EXPORT = "outreach.export", _("导出（个人信息已遮蔽）")
    EXPORT_PERSONAL = "outreach.export_personal", _("导出（含完整个人信息）")
    # Forums and reception days.
    FORUM_REVEAL_TEXT = "outreach.forum_reveal_text", _("查看访谈纪要中的完整号码")
    RECEPTIONDAY_REVEAL_TEXT = "outreach.receptionday_reveal_text", _("查看接待情况中的完整号码")
    FORUM_CREATE = "outreach.forum_create", _("登记群众访谈日")
    FORUM_UPDATE = "outreach.forum_update", _("修改群众访谈日")
    RECEPTIONDAY_CREATE = "outreach.receptionday_create", _("登记接待日")
    RECEPTIONDAY_UPDATE = "outreach.receptionday_update", _("修改接待日")
    # The back office (outreach/admin.py BigTableAdmin).
    HOUSEHOLD_ADMIN_ADD = "outreach.household_admin_add", format_lazy(_ADD, thing=_HOUSEHOLD)
    HOUSEHOLD_ADMIN_CHANGE = "outreach.household_admin_change", format_lazy(_CHANGE, thing=_HOUSEHOLD)
    HOUSEHOLD_ADMIN_DELETE = "outreach.household_admin_delete", format_lazy(_DELETE, thing=_HOUSEHOLD)
    HOUSEHOLDMEMBER_ADMIN_ADD = "outreach.householdmember_admin_add", format_lazy(_ADD, thing=_MEMBER)
    HOUSEHOLDMEMBER_ADMIN_CHANGE = "outreach.householdmember_admin_change", format_lazy(_CHANGE, thing=_MEMBER)
    HOUSEHOLDMEMBER_ADMIN_DELETE = "outreach.householdmember_admin_delete", format_lazy(_DELETE, thing=_MEMBER)
    PAIRING_ADMIN_ADD = "outreach.pairing_admin_add", format_lazy(_ADD, thing=_PAIRING)
    PAIRING_ADMIN_CHANGE = "outreach.pairing_admin_change", format_lazy(_CHANGE, thing=_PAIRING)
    PAIRING_ADMIN_DELETE = "outreach.pairing_admin_delete", format_lazy(_DELETE, thing=_PAIRING)
    LIAISONPOINT_ADMIN_ADD = "outreach.liaisonpoint_admin_add", format_lazy(_ADD, thing=_LIAISON_POINT)
    LIAISONPOINT_ADMIN_CHANGE = "outreach.liaisonpoint_admin_change", format_lazy(_CHANGE, thing=_LIAISON_POINT)
    LIAISONPOINT_ADMIN_DELETE = "outreach.liaisonpoint_admin_delete", format_lazy(_DELETE, thing=_LIAISON_POINT)
    IMPORTJOB_ADMIN_ADD = "outreach.importjob_admin_add", format_lazy(_ADD, thing=_IMPORT_JOB)
    IMPORTJOB_ADMIN_CHANGE = "outreach.importjob_admin_change", format_lazy(_CHANGE, thing=_IMPORT_JOB)
    IMPORTJOB_ADMIN_DELETE = "outreach.importjob_admin_delete", format_lazy(_DELETE, thing=_IMPORT_JOB)


register_audit_codes(
    OutreachAudit,
    families=(
        # Without the underscore: ``outreach.householdmember_admin_add`` is a household's too.
        AuditFamily("outreach.household", _("农户/居民户"), group="people"),
        AuditFamily("outreach.member_", _("家庭成员"), group="people"),
        AuditFamily("outreach.pairing", _("结对"), group="people"),
        AuditFamily("outreach.liaison", _("联系点"), group="people"),
        AuditFamily("outreach.import", _("导入"), group="people"),
        AuditFamily("outreach.export", _("导出"), group="people"),
        AuditFamily("outreach.forum_", _("群众访谈日"), group="visits"),
        AuditFamily("outreach.receptionday_", _("接待日"), group="visits"),
    ),
)
