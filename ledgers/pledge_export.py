"""Excel (.xlsx) exports of pledges: the 办实事台帐 in the offices' own column names."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

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


def ledger_row(index: int, pledge) -> list:
    origin = pledge.get_origin_kind_display()
    if pledge.origin_kind != "none":
        origin = " ".join(filter(None, [origin, str(pledge.origin_object_id or ""), pledge.origin_note]))
    return [
        index,
        pledge.campaign.title,
        pledge.org_unit.name,
        pledge.category.name,
        pledge.title,
        pledge.content,
        pledge.target,
        pledge.deadline,
        pledge.responsible_unit.name,
        pledge.responsible_person.name if pledge.responsible_person else "",
        pledge.measures,
        pledge.get_audience_display(),
        pledge.recipients,
        pledge.get_visibility_display(),
        pledge.get_approval_state_display(),
        pledge.get_status_display(),
        pledge.percent,
        pledge.last_progress_on,
        pledge.completed_on,
        pledge.completion_note,
        origin,
    ]


def add_sheet(workbook: Workbook, title: str, columns, rows, *, heading: str = "") -> None:
    """One sheet: optional heading line, bold header row, rows with formulas neutralised."""
    sheet = workbook.create_sheet(title=title[:31])
    if heading:
        sheet.append([excel_safe(heading)])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([header for header, _width in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([excel_safe(value) for value in row])
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=header_row, column=index).column_letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_workbook(pledges, *, heading: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = (ledger_row(index, pledge) for index, pledge in enumerate(pledges, start=1))
    add_sheet(workbook, _("办实事台帐"), ledger_columns(), rows, heading=heading)
    return workbook_bytes(workbook)
