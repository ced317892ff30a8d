"""Reading uploaded workbooks (.xlsx, .xls, .ods) safely; exports are written by core.xlsx_write.

Uploads are checked before any parser sees them (core.xlsx.check_package: size, zip structure,
macros, zip bombs, the sheet list); the first sheet is then read by core.xlsx (its streaming
reader for .xlsx, python-calamine in a confined child process for .xls and .ods), which caps
rows, columns, cells and text by what the sheet really holds and refuses the rest with a
Chinese message (XlsxRejected). Formulas are never evaluated: a formula cell reads as the
result the spreadsheet saved, or is refused when there is none (core.cells.read_cell).
"""

from dataclasses import dataclass, field

from core.cells import Kind, read_cell, visible
from core.xlsx import Limits, XlsxRejected, cell_text, check_package, read_table

__all__ = ["Sheet", "XlsxRejected", "cell_text", "check_upload", "max_upload_bytes", "read_first_sheet"]

# How far down the header row may be: below a title, a unit and date line, blank rows.
MAX_HEADER_ROW = 20


@dataclass
class Sheet:
    header: list[str]
    rows: list[list[str]]  # data rows only, as read (core.xlsx); row i is spreadsheet row first_row + i
    first_row: int = 2
    # Merged ranges (top row, left column, bottom row, right column); rows as in the spreadsheet.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def locate_header(self, names: set[str]) -> "Sheet":
        """The sheet with its header on the first of the top rows that holds one of ``names``
        (headers compared without invisible characters, spaces, full width): title rows, a
        merged title cell and blank rows above the header are skipped. Unchanged if none does."""
        candidates = [self.header, *self.rows[: MAX_HEADER_ROW - 1]]
        for position, row in enumerate(candidates):
            if any(header_key(cell) in names for cell in row):
                if position == 0:
                    return self
                return Sheet(
                    header=[str(cell).strip() for cell in row],
                    rows=self.rows[position:],
                    first_row=self.first_row + position,
                    merges=self.merges,
                )
        return self


def header_key(text: str) -> str:
    """A column title as compared with the template's: no invisible characters, spaces or trailing *."""
    return read_cell(str(text), Kind.KEY).text.replace(" ", "").rstrip("*") or visible(str(text)).strip()


def max_upload_bytes() -> int:
    return Limits.from_settings().max_bytes


def check_upload(data: bytes, name: str) -> None:
    """Refuse anything that is not a plain, reasonably sized workbook. Raises XlsxRejected."""
    check_package(data, name)


def read_first_sheet(data: bytes) -> Sheet:
    """Header (row 1) and data rows of the first sheet, with its merged ranges. Raises XlsxRejected.

    Importers move the header down past title rows (``Sheet.locate_header``)."""
    table = read_table(data)
    rows = table.rows
    header = [str(h).strip() for h in rows[0]] if rows else []
    return Sheet(header=header, rows=rows[1:], first_row=2, merges=table.merges)
