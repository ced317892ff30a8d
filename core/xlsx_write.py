"""Writing .xlsx files that no spreadsheet runs and that come back unchanged, and answering with them
(``core.xlsx`` reads them).

One escape for every exported cell: text starting with = + - @ (or a tab or carriage return,
which Excel and WPS skip before looking for a formula) is stored as a text cell with the quote
prefix style (``quotePrefix``: Excel's and WPS's hidden leading apostrophe), so a name typed as
``=HYPERLINK(...)`` reaches the office as text, never as a formula (CSV/formula injection), and
reads back as typed: no visible ``'`` becomes part of the value (older exports put one there;
``core.cells.read_cell`` drops it on import). ``escape_formula`` keeps the visible apostrophe for
writers that cannot style a cell (django-import-export's admin export).

Columns (``Column``) that hold codes, 户号, ID or phone numbers are text-formatted (``@``), the
cells written and the whole column below them, so what an office types there later stays text
(an ID typed into a General cell loses its last digits); a column with choices gets a drop-down
list. Two ways to lay a sheet out, both through that escape:

- ``add_table``: a streamed sheet (write-only workbook from ``new_workbook``) of a header row
  and rows, optionally under a heading line, with column widths, text columns and lists, the
  header frozen: lists, ledgers, templates.
- ``set_cell``: one cell of a laid-out sheet (merged title rows, borders, print setup), for the
  books offices file in their own layout.
"""

import datetime
import io
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
# The last row of a sheet: text format and drop-down lists cover rows an office adds later.
LAST_ROW = 1_048_576


@dataclass(frozen=True)
class Column:
    """A column of ``add_table``: its header, width (characters), whether it holds text that
    looks like a number (codes, 户号, ID and phone numbers: formatted as text), and the choices
    offered as a drop-down list."""

    header: str
    width: float | None = None
    text: bool = False
    choices: tuple[str, ...] = ()


def escape_formula(value):
    """``value`` for a writer that cannot style cells: text a spreadsheet would run as a formula
    gets a visible leading apostrophe (imports drop it again). Cells written here use ``quote``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def quote(cell):
    """Mark a text cell so that no spreadsheet runs it: stored as text, with the quote prefix style
    when it starts like a formula. Returns the cell."""
    cell.data_type = "s"
    if looks_like_formula(cell.value):
        cell.quotePrefix = True
    return cell


def new_workbook() -> Workbook:
    """A write-only workbook: rows stream out, so an export of 10,000 rows stays fast and small."""
    return Workbook(write_only=True)


def add_table(workbook: Workbook, *, title: str, columns, rows, heading: str = "") -> None:
    """One sheet of ``workbook`` (write-only): optional bold heading line, bold header row, then ``rows``.

    ``columns`` are header texts, (header, width) pairs or ``Column``; the rows below the header
    scroll under it. Every text cell is stored as text (quote-prefixed when it starts like a
    formula); text columns are text-formatted down to the sheet's last row, columns with
    choices get a drop-down list; dates show as yyyy-mm-dd.
    """
    sheet = workbook.create_sheet(title=title[:31])
    columns = [_column(column) for column in columns]
    header_row = 2 if heading else 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.width:
            sheet.column_dimensions[letter].width = column.width
        if column.text:
            # The column's own format: what is typed below the rows later stays text too.
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        if column.choices:
            listed = DataValidation(
                type="list",
                formula1='"' + ",".join(choice.replace('"', "") for choice in column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从列表中选择",
                error="可选：" + "、".join(column.choices),
            )
            listed.add(f"{letter}{header_row + 1}:{letter}{LAST_ROW}")
            sheet.data_validations.append(listed)
    sheet.freeze_panes = f"A{header_row + 1}"
    if heading:
        cell = quote(WriteOnlyCell(sheet, value=str(heading)))
        cell.font = Font(bold=True, size=14)
        sheet.append([cell])
    header = []
    for column in columns:
        cell = quote(WriteOnlyCell(sheet, value=str(column.header)))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    text = [column.text for column in columns]
    width = len(text)
    for row in rows:
        sheet.append(
            [_table_cell(sheet, value, text[index] if index < width else False) for index, value in enumerate(row)]
        )


def _column(column) -> Column:
    if isinstance(column, Column):
        return column
    if isinstance(column, tuple):
        return Column(str(column[0]), column[1])
    return Column(str(column))


def _table_cell(sheet, value, text: bool = False):
    if isinstance(value, str):
        # Text stays text even if it looks like a number ("0001", ID numbers) or a formula.
        cell = quote(WriteOnlyCell(sheet, value=value))
        if text:
            cell.number_format = TEXT_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def set_cell(sheet, row: int, column: int, value, **style):
    """Set one cell of a laid-out sheet to ``value`` (text quote-prefixed when it starts like a
    formula); ``style`` sets font, border, alignment..."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        quote(cell)  # never a formula
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
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{url_quote(filename)}"
    return response
