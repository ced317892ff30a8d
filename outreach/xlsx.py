"""Reading uploaded .xlsx files safely (exports are written by core.xlsx_write, escaped).

Uploads are checked before any parser sees them (core.xlsx.check_package: size, zip structure,
macros, zip bombs, the sheet list); the first sheet is then read by core.xlsx's streaming reader,
which caps rows, columns, cells and text by what the sheet really holds and refuses the rest
with a Chinese message (XlsxRejected). Formulas are never evaluated: a formula cell is read as
its formula text (``=1+1``).
"""

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
