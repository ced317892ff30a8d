"""Excel (.xlsx) exports of pledges: the 办实事台帐 in the offices' own column names."""

from django.utils.translation import gettext as _

from core.masking import export_text
from core.xlsx_write import table_workbook


def ledger_columns():
    """(header, width) of the 办实事台帐, in the order the offices' ledgers use."""
    return [
        (_("序号"), 6),
        (_("主题活动"), 24),
        (_("承诺单位"), 14),
        (_("项目类别"), 12),
        (_("项目名称"), 24),
        (_("承诺内容"), 40),
        (_("完成目标"), 30),
        (_("办理时限"), 12),
        (_("责任单位"), 14),
        (_("责任人"), 10),
        (_("具体落实措施"), 40),
        (_("承诺对象"), 12),
        (_("服务对象"), 20),
        (_("公开方式"), 10),
        (_("审批状态"), 10),
        (_("办理状态"), 10),
        (_("完成进度(%)"), 10),
        (_("最近进展日期"), 12),
        (_("完成时间"), 12),
        (_("完成情况"), 30),
        (_("项目来源"), 16),
    ]


def _labels(choices) -> dict:
    # get_FOO_display() translates on every call; an export of thousands of rows looks up once.
    return {value: str(label) for value, label in choices}


def ledger_labels() -> dict:
    from .models import Pledge

    return {
        "audience": _labels(Pledge.Audience.choices),
        "visibility": _labels(Pledge.Visibility.choices),
        "approval_state": _labels(Pledge.ApprovalState.choices),
        "status": _labels(Pledge.Status.choices),
        "origin_kind": _labels(Pledge.OriginKind.choices),
    }


def ledger_row(index: int, pledge, labels: dict) -> list:
    origin = labels["origin_kind"][pledge.origin_kind]
    if pledge.origin_kind != "none":
        origin = " ".join(filter(None, [origin, str(pledge.origin_object_id or ""), pledge.origin_note]))
    # Free text passes through core.masking.export_text: numbers people typed never leave masked-less.
    return [
        index,
        pledge.campaign.title,
        pledge.org_unit.name,
        pledge.category.name,
        export_text(pledge.title),
        export_text(pledge.content),
        export_text(pledge.target),
        pledge.deadline,
        pledge.responsible_unit.name,
        pledge.responsible_person.name if pledge.responsible_person else "",
        export_text(pledge.measures),
        labels["audience"][pledge.audience],
        export_text(pledge.recipients),
        labels["visibility"][pledge.visibility],
        labels["approval_state"][pledge.approval_state],
        labels["status"][pledge.status],
        pledge.percent,
        pledge.last_progress_on,
        pledge.completed_on,
        export_text(pledge.completion_note),
        export_text(origin),
    ]


def ledger_workbook(pledges, *, heading: str) -> bytes:
    """The 办实事台帐 as .xlsx (core.xlsx_write: streamed, every text cell escaped)."""
    labels = ledger_labels()
    if hasattr(pledges, "iterator"):
        pledges = pledges.iterator(chunk_size=2000)
    rows = (ledger_row(index, pledge, labels) for index, pledge in enumerate(pledges, start=1))
    return table_workbook(title=_("办实事台帐"), columns=ledger_columns(), rows=rows, heading=heading)
