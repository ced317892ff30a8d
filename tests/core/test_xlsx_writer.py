"""One writer for every .xlsx the site hands out: nothing in it runs as a formula, and what it
wrote reads back as it was (no visible apostrophe), with text columns and lists kept."""

import datetime
import io

from openpyxl import Workbook, load_workbook

from core.xlsx_write import (
    Column,
    add_table,
    escape_formula,
    new_workbook,
    set_cell,
    workbook_bytes,
    xlsx_response,
)

TRIGGERS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=1"]


def test_text_a_spreadsheet_would_run_is_escaped_and_other_values_pass():
    for text in TRIGGERS:
        assert escape_formula(text) == "'" + text
    assert escape_formula("正常文本") == "正常文本"
    assert escape_formula(5) == 5
    assert escape_formula(None) is None


def test_a_table_sheet_quotes_formula_text_keeps_numbers_and_shows_dates_as_days():
    workbook = new_workbook()
    rows = [[text, 7, datetime.date(2026, 3, 1), None, "0001"] for text in TRIGGERS]
    columns = [("甲", 10), "乙", "丙", "丁", Column("戊", 8, text=True, choices=("是", "否"))]
    add_table(workbook, title="x" * 40, columns=columns, rows=rows, heading="=标题")
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert sheet.title == "x" * 31
    assert (sheet["A1"].value, sheet["A1"].quotePrefix) == ("=标题", True)
    assert [c.value for c in sheet[2]] == ["甲", "乙", "丙", "丁", "戊"]
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == 10
    # The text column is text-formatted below the rows too, and offers its choices as a list.
    assert sheet.column_dimensions["E"].number_format == "@"
    (listed,) = sheet.data_validations.dataValidation
    assert (listed.type, listed.formula1, str(listed.sqref)) == ("list", '"是,否"', "E3:E1048576")
    for row, text in zip(sheet.iter_rows(min_row=3), TRIGGERS, strict=True):
        # Excel's hidden apostrophe: stored as text, shown and read back as written.
        assert (row[0].value, row[0].data_type, row[0].quotePrefix) == (text, "s", True)
        assert row[4].number_format == "@"
        assert row[1].value == 7
        assert row[2].value.date() == datetime.date(2026, 3, 1)
        assert row[2].number_format == "yyyy-mm-dd"
        assert row[3].value is None
        assert row[4].value == "0001"


def test_a_laid_out_cell_is_quoted_and_styled():
    workbook = Workbook()
    cell = set_cell(workbook.active, 2, 3, "=HYPERLINK(1)", number_format="@")
    assert (cell.value, cell.data_type, cell.number_format, cell.coordinate) == ("=HYPERLINK(1)", "s", "@", "C2")
    assert cell.quotePrefix
    assert not set_cell(workbook.active, 3, 3, "普通").quotePrefix


def test_the_download_is_named_in_any_language():
    response = xlsx_response(b"PK", "办实事台帐.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E5%8A%9E%E5%AE%9E%E4%BA%8B%E5%8F%B0%E5%B8%90.xlsx"
    )
