"""Validation rules of a plan (dates of phases and steps, evidence uploads), with Chinese messages.

Shared by model ``clean()``, the admin inline formsets, the services and the import resources,
so one rule answers the same way wherever a plan is edited.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.uploads import UploadRule

# Evidence of a completed step: scans, photos, office documents. Size limit in bytes.
EVIDENCE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

EVIDENCE_UPLOAD = UploadRule(
    extensions=EVIDENCE_EXTENSIONS,
    max_bytes=EVIDENCE_MAX_BYTES,
    code="evidence",
    wrong_type=gettext_lazy("不支持的文件类型“%(ext)s”，只能上传：%(allowed)s。"),
    too_large=gettext_lazy("文件过大（%(size).1f MB），不能超过 %(limit)d MB。"),
    empty=gettext_lazy("文件是空的。"),
    wrong_content=gettext_lazy("文件内容与扩展名“%(ext)s”不符，请上传真实的%(ext)s文件。"),
)


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def validate_campaign_dates(*, start_date, end_date) -> None:
    """A campaign ends on or after the day it starts (the database has the same check)."""
    if start_date is not None and end_date is not None and end_date < start_date:
        raise ValidationError(
            {
                "end_date": _("结束日期 %(end)s 早于开始日期 %(start)s，请检查。")
                % {"end": _fmt(end_date), "start": _fmt(start_date)}
            }
        )


def validate_phase_ranges(*, campaign_start, campaign_end, phases) -> None:
    """Check phases given as (name, order, start, end): ordered, inside the campaign, no overlaps.

    Raises ValidationError with every problem found (Chinese messages).
    """
    errors = []
    rows = [p for p in phases if p[2] is not None and p[3] is not None]
    for name, _order, start, end in rows:
        if end < start:
            errors.append(_("阶段“%(name)s”的结束日期早于开始日期。") % {"name": name})
        if campaign_start and start < campaign_start:
            errors.append(
                _("阶段“%(name)s”的开始日期 %(date)s 早于活动开始日期 %(limit)s。")
                % {"name": name, "date": _fmt(start), "limit": _fmt(campaign_start)}
            )
        if campaign_end and end > campaign_end:
            errors.append(
                _("阶段“%(name)s”的结束日期 %(date)s 晚于活动结束日期 %(limit)s。")
                % {"name": name, "date": _fmt(end), "limit": _fmt(campaign_end)}
            )
    orders = [p[1] for p in rows]
    if len(orders) != len(set(orders)):
        errors.append(_("阶段序号不能重复。"))
    by_start = sorted(rows, key=lambda p: (p[2], p[1]))
    for before, after in zip(by_start, by_start[1:], strict=False):
        if after[2] <= before[3]:
            errors.append(_("阶段“%(a)s”与“%(b)s”的时间重叠。") % {"a": before[0], "b": after[0]})
    by_order = sorted(rows, key=lambda p: p[1])
    if [p[0] for p in by_order] != [p[0] for p in by_start] and not errors:
        errors.append(_("阶段序号须与时间先后一致。"))
    if errors:
        raise ValidationError(errors)


def validate_milestone_dates(*, name, due_date, campaign_start, campaign_end, phase=None) -> None:
    errors = []
    if campaign_start and due_date < campaign_start:
        errors.append(
            _("环节“%(name)s”的完成时限 %(date)s 早于活动开始日期 %(limit)s。")
            % {"name": name, "date": _fmt(due_date), "limit": _fmt(campaign_start)}
        )
    if campaign_end and due_date > campaign_end:
        errors.append(
            _("环节“%(name)s”的完成时限 %(date)s 晚于活动结束日期 %(limit)s。")
            % {"name": name, "date": _fmt(due_date), "limit": _fmt(campaign_end)}
        )
    if phase is not None and not (phase.start_date <= due_date <= phase.end_date):
        errors.append(
            _("环节“%(name)s”的完成时限 %(date)s 不在所属阶段“%(phase)s”（%(start)s至%(end)s）内。")
            % {
                "name": name,
                "date": _fmt(due_date),
                "phase": phase.name,
                "start": _fmt(phase.start_date),
                "end": _fmt(phase.end_date),
            }
        )
    if errors:
        raise ValidationError({"due_date": errors})


def validate_milestone(milestone) -> None:
    campaign = milestone.campaign
    errors = {}
    if milestone.phase_id is not None and milestone.phase.campaign_id != milestone.campaign_id:
        errors["phase"] = [_("所属阶段必须属于同一主题活动。")]
    try:
        validate_milestone_dates(
            name=milestone.name,
            due_date=milestone.due_date,
            campaign_start=campaign.start_date,
            campaign_end=campaign.end_date,
            phase=milestone.phase if not errors and milestone.phase_id else None,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    unit = milestone.responsible_unit
    if unit is not None and campaign.issuing_unit_id is not None:
        issuer = campaign.issuing_unit
        if not unit.path.startswith(issuer.path):
            errors["responsible_unit"] = [
                _("责任单位“%(unit)s”不在发文单位“%(issuer)s”的下属范围内。") % {"unit": unit, "issuer": issuer}
            ]
    if errors:
        raise ValidationError(errors)


def validate_evidence_file(upload) -> None:
    """Evidence must be one of the allowed types (by name and by content) and at most 10 MB."""
    EVIDENCE_UPLOAD.validate(upload)


# Views taking step evidence: a file over the limit is cut off while it streams in.
limit_evidence_upload = EVIDENCE_UPLOAD.limit_while_streaming(gettext_lazy("文件过大（上限为 %(size)s），已停止上传。"))
