"""django-import-export formats for admin imports: Excel goes through core.xlsx's capped reader.

The package's own XLSX format reads with openpyxl from the sheet's declared size: a file whose
only value sits in XFD1048576 yields a million rows of 16,384 cells each, which the import
keeps in memory. ``XLSX`` here checks the package and streams the first sheet through
``core.xlsx.iter_rows`` instead; a refusal reaches the import form as its Chinese message
(``ImportFormatsMixin``).
"""

import tablib
from import_export.formats import base_formats

from .xlsx import XlsxRejected, check_package, iter_rows


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        data = bytes(in_stream)
        check_package(data, "import.xlsx")
        rows = iter_rows(data)
        dataset = tablib.Dataset()
        header = next(rows, [])
        dataset.headers = header
        width = len(header)
        for row in rows:
            if any(row):  # rows without values are not rows to import
                dataset.append((row + [""] * width)[:width])
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
