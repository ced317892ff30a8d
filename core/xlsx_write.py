"""Writing .xlsx files that no spreadsheet runs, and answering with them (``core.xlsx`` reads them).

One escape for every exported cell: text starting with = + - @ (or a tab or carriage return,
which Excel and WPS skip before looking for a formula) gets a leading apostrophe and is stored
as text, so a name typed as ``=HYPERLINK(...)`` reaches the office as text, never as a formula
(CSV/formula injection). Two ways to lay a sheet out, both through that escape:

- ``add_table``: a streamed sheet (write-only workbook from ``new_workbook``) of a header row
  and rows, optionally under a heading line and with column widths: lists, ledgers, templates.
- ``set_cell``: one cell of a laid-out sheet (merged title rows, borders, print setup), for the
  books offices file in their own layout.
"""

import datetime
import io
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """``value`` as a spreadsheet should store it: text it would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def new_workbook() -> Workbook:
    """A write-only workbook: rows stream out, so an export of 10,000 rows stays fast and small."""
    return Workbook(write_only=True)


def add_table(workbook: Workbook, *, title: str, columns, rows, heading: str = "") -> None:
    """One sheet of ``workbook`` (write-only): optional bold heading line, bold header row, then ``rows``.

    ``columns`` are header texts or (header, width) pairs; the rows below the header scroll
    under it. Every text cell is escaped and stored as text; dates show as yyyy-mm-dd.
    """
    sheet = workbook.create_sheet(title=title[:31])
    columns = [column if isinstance(column, tuple) else (column, None) for column in columns]
    for index, (_header, width) in enumerate(columns, start=1):
        if width:
            sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if heading else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    if heading:
        cell = WriteOnlyCell(sheet, value=escape_formula(heading))
        cell.font = Font(bold=True, size=14)
        sheet.append([cell])
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=escape_formula(str(name)))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_table_cell(sheet, value) for value in row])


def _table_cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=escape_formula(value))
        # Text stays text even if it looks like a number ("0001", ID numbers) or a formula.
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def set_cell(sheet, row: int, column: int, value, **style):
    """Set one cell of a laid-out sheet to ``value``, escaped; ``style`` sets font, border, alignment..."""
    cell = sheet.cell(row=row, column=column, value=escape_formula(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_workbook(*, title: str, columns, rows, heading: str = "") -> bytes:
    """The .xlsx bytes of one ``add_table`` sheet."""
    workbook = new_workbook()
    add_table(workbook, title=title, columns=columns, rows=rows, heading=heading)
    return workbook_bytes(workbook)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A download of ``data`` named ``filename`` (any language: sent RFC 5987-encoded)."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
