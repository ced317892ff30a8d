"""Excel exports of the four books in the layout offices file upward (每月报活动办公室备案).

Layout: a merged title row, a line naming the unit and the period, the header row (repeated on
every printed page), one row per visit, a total row for amounts, and the signature line
(填表人 / 审核人 / 填报日期). A4 landscape, fitted to the page width.

Safety: every cell goes through core.xlsx_write.set_cell, so text a spreadsheet would run as a
formula is written as text behind an apostrophe; phone and ID numbers are masked whatever the
exporting user may see, in free text too (core.masking).

The layout is Chinese whatever language the exporting user reads the site in: the views call
these under ``translation.override("zh-hans")`` so choice labels never mix languages in a file.
"""

import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core import dates
from core.masking import export_text, mask_phone
from core.xlsx_write import set_cell, workbook_bytes

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

BOOK_COLUMNS = [
    ("序号", 6),
    ("走访日期", 12),
    ("村/社区", 14),
    ("户主", 10),
    ("户号", 9),
    ("联系电话", 14),
    ("走访对象", 10),
    ("走访方式", 10),
    ("走访干部", 10),
    ("了解情况", 40),
    ("群众需求", 28),
    ("帮扶措施", 22),
    ("金额（元）", 11),
    ("诉求", 8),
]


def ledger_book_workbook(*, unit, book_label: str, first: datetime.date, last: datetime.date, visits) -> bytes:
    """The .xlsx bytes of one book of ``unit`` for the period; ``visits`` shaped by the selector."""
    wb = Workbook()
    ws = wb.active
    ws.title = book_label
    ncols = len(BOOK_COLUMNS)
    period = f"{first:%Y年%m月%d日}—{last:%Y年%m月%d日}"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    set_cell(
        ws, 1, 1, f"{unit.name}“{book_label}”", font=Font(size=16, bold=True), alignment=Alignment(horizontal="center")
    )
    ws.row_dimensions[1].height = 28
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    set_cell(ws, 2, 1, f"填报单位：{unit.name}　　时间：{period}　　导出：{dates.today():%Y-%m-%d}")
    header_row = 3
    for col, (label, width) in enumerate(BOOK_COLUMNS, start=1):
        set_cell(
            ws,
            header_row,
            col,
            label,
            font=Font(bold=True),
            border=BORDER,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
        ws.column_dimensions[get_column_letter(col)].width = width
    row = header_row
    total = 0
    wrap = Alignment(vertical="top", wrap_text=True)
    for n, visit in enumerate(visits, start=1):
        row += 1
        helps = list(visit.help_items.all())
        amount = sum((h.amount or 0) for h in helps)
        total += amount
        values = [
            n,
            visit.visited_on,
            visit.household.village.name,
            visit.household.head_name,
            visit.household.number,
            mask_phone(visit.household.phone),
            visit.member.name if visit.member else "",
            visit.get_method_display(),
            visit.cadre.name,
            export_text(visit.learned),
            export_text(visit.needs),
            export_text(
                "；".join(f"{h.get_kind_display()}{('：' + h.description) if h.description else ''}" for h in helps)
            ),
            float(amount) if helps and amount else None,
            "有" if getattr(visit, "has_demand", False) else "",
        ]
        for col, value in enumerate(values, start=1):
            cell = set_cell(ws, row, col, value, border=BORDER, alignment=wrap)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif col == 13 and value is not None:
                cell.number_format = "#,##0.00"
    row += 1
    set_cell(ws, row, 1, "合计", font=Font(bold=True), border=BORDER)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=12)
    cell = set_cell(ws, row, 13, float(total), font=Font(bold=True), border=BORDER)
    cell.number_format = "#,##0.00"
    set_cell(ws, row, 14, f"{row - header_row - 1}条", border=BORDER)
    row += 2
    set_cell(ws, row, 1, "填表人：")
    set_cell(ws, row, 6, "审核人：")
    set_cell(ws, row, 10, "填报日期：　　年　　月　　日")
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return workbook_bytes(wb)


DEMAND_COLUMNS = [
    ("序号", 6),
    ("受理日期", 12),
    ("所属单位", 14),
    ("当事人", 10),
    ("联系电话", 14),
    ("诉求类别", 12),
    ("诉求摘要", 30),
    ("来源", 10),
    ("受理人", 10),
    ("层级", 8),
    ("责任单位", 14),
    ("责任人", 10),
    ("办结时限", 12),
    ("状态", 12),
    ("办结日期", 12),
    ("回复日期", 12),
]


def demand_ledger_workbook(*, unit_name: str, demands) -> bytes:
    """The rectification ledger (整改台账) of a unit: one row per demand, with its owner and dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ncols = len(DEMAND_COLUMNS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    set_cell(
        ws,
        1,
        1,
        f"{unit_name}群众诉求整改台账",
        font=Font(size=16, bold=True),
        alignment=Alignment(horizontal="center"),
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    set_cell(ws, 2, 1, f"填报单位：{unit_name}　　导出：{dates.today():%Y-%m-%d}")
    for col, (label, width) in enumerate(DEMAND_COLUMNS, start=1):
        set_cell(ws, 3, col, label, font=Font(bold=True), border=BORDER, alignment=Alignment(horizontal="center"))
        ws.column_dimensions[get_column_letter(col)].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    row = 3
    for n, d in enumerate(demands, start=1):
        row += 1
        values = [
            n,
            d.received_on,
            d.unit.name,
            export_text(d.person_display),
            mask_phone(d.person_phone or (d.household.phone if d.household else "")),
            d.category.name,
            export_text(d.title),
            d.get_source_display(),
            d.received_by.name if d.received_by else "",
            d.get_tier_display(),
            d.responsible_unit.name if d.responsible_unit else "",
            d.responsible_person.name if d.responsible_person else "",
            d.deadline,
            d.get_status_display(),
            d.resolved_on,
            d.replied_on,
        ]
        for col, value in enumerate(values, start=1):
            cell = set_cell(ws, row, col, value, border=BORDER, alignment=wrap)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook_bytes(wb)
