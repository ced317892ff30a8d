"""Excel (.xlsx) exports of pledges: the 办实事台帐 in the offices' own column names."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.masking import export_text

# A cell that starts with one of these is run as a formula by Excel/WPS (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value):
    """Values as Excel should store them; text that could start a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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


def add_sheet(workbook: Workbook, title: str, columns, rows, *, heading: str = "") -> None:
    """One sheet: optional heading line, bold header row, rows with formulas neutralised.

    ``workbook`` is write-only (rows stream out; an export of 10,000 rows stays fast).
    """
    sheet = workbook.create_sheet(title=title[:31])
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if heading else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    if heading:
        cell = WriteOnlyCell(sheet, value=excel_safe(heading))
        cell.font = Font(bold=True, size=14)
        sheet.append([cell])
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                values.append(cell)
            else:
                values.append(excel_safe(value))
        sheet.append(values)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_workbook(pledges, *, heading: str) -> bytes:
    workbook = new_workbook()
    labels = ledger_labels()
    if hasattr(pledges, "iterator"):
        pledges = pledges.iterator(chunk_size=2000)
    rows = (ledger_row(index, pledge, labels) for index, pledge in enumerate(pledges, start=1))
    add_sheet(workbook, _("办实事台帐"), ledger_columns(), rows, heading=heading)
    return workbook_bytes(workbook)
