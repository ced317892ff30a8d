"""django-import-export formats for admin imports: Excel goes through core.xlsx's capped reader.

The package's own XLSX format reads with openpyxl from the sheet's declared size: a file whose
only value sits in XFD1048576 yields a million rows of 16,384 cells each, which the import
keeps in memory. ``XLSX`` here checks the package and streams the first sheet through
``core.xlsx.iter_rows`` instead; each cell goes through ``core.cells.read_cell`` as every import's
cells do (a formula's saved result, never its text; invisible characters and full-width digits
tidied), and title rows above the header are skipped. A refusal reaches the import form as its
Chinese message (``ImportFormatsMixin``).
"""

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from .cells import Kind, read_cell
from .xlsx import XlsxRejected, check_package, column_letters, iter_rows

# The header is the first of these top rows with two or more titles (a title row is one cell).
MAX_HEADER_ROW = 20


def _read(row: list[str], number: int) -> list[str]:
    values = []
    for column, cell in enumerate(row):
        read = read_cell(cell, Kind.TEXT)
        if read.error:
            raise XlsxRejected(
                _("单元格 %(cell)s：%(reason)s") % {"cell": f"{column_letters(column)}{number}", "reason": read.error}
            )
        values.append(read.text)
    return values


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        data = bytes(in_stream)
        check_package(data, "import.xlsx")
        rows = iter_rows(data)
        dataset = tablib.Dataset()
        header, number = [], 0
        for number, row in enumerate(rows, start=1):  # noqa: B007 - the header's row number is used below
            if sum(1 for cell in row if cell) >= 2 or number >= MAX_HEADER_ROW:
                header = _read(row, number)
                break
        dataset.headers = header
        width = len(header)
        for at, row in enumerate(rows, start=number + 1):
            if any(row):  # rows without values are not rows to import
                dataset.append((_read(row, at) + [""] * width)[:width])
        return dataset


# What admin pages import: CSV (first: the default choice) and Excel, nothing else.
IMPORT_FORMATS = [base_formats.CSV, XLSX]


class ImportFormatsMixin:
    """For an ImportExportMixin admin: the safe formats, and a refused file's own message."""

    import_formats = IMPORT_FORMATS

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, XlsxRejected):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
