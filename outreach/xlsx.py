"""Reading uploaded .xlsx files safely, and writing exports that a spreadsheet never runs.

Uploads are checked before any parser sees them (core.xlsx.check_package: size, zip structure,
macros, zip bombs, the sheet list); the first sheet is then read by core.xlsx's streaming reader,
which caps rows, columns, cells and text by what the sheet really holds and refuses the rest
with a Chinese message (XlsxRejected). Formulas are never evaluated: a formula cell is read as
its formula text (``=1+1``).
"""

import io
from dataclasses import dataclass

from core.xlsx import Limits, XlsxRejected, cell_text, check_package, iter_rows

__all__ = ["Sheet", "XlsxRejected", "cell_text", "check_upload", "max_upload_bytes", "read_first_sheet"]


@dataclass
class Sheet:
    header: list[str]
    rows: list[list[str]]  # data rows only, as text; row i is Excel row i + 2


def max_upload_bytes() -> int:
    return Limits.from_settings().max_bytes


def check_upload(data: bytes, name: str) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx workbook. Raises XlsxRejected."""
    check_package(data, name)


def read_first_sheet(data: bytes) -> Sheet:
    """Header and data rows of the first sheet, every cell as text. Raises XlsxRejected."""
    rows = iter_rows(data)
    header = [h.strip() for h in next(rows, [])]
    return Sheet(header=header, rows=list(rows))


def escape_cell(value):
    """Text that a spreadsheet would run (= + - @, and tab/CR tricks) gets a leading apostrophe."""
    if isinstance(value, str) and value and value[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_workbook(*, title: str, header: list[str], rows, text_columns: set[int] = frozenset()) -> bytes:
    """An .xlsx of ``header`` and ``rows`` (iterables of cells), every string cell escaped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    head = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        out = []
        for index, value in enumerate(row):
            value = escape_cell(value)
            if index in text_columns and value is not None and not isinstance(value, str):
                value = str(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                # Stored as a string even if it looks like a formula or a number ("0001", IDs).
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
