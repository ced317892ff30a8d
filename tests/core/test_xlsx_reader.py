"""The streaming workbook reader (core.xlsx) reads what spreadsheet programs write, as text."""

import datetime
import io

import pytest
from openpyxl import Workbook

from core.xlsx import Limits, XlsxRejected, read_rows
from tests.outreach.hostile import MAIN, inline_cell, sheet, workbook

# A spreadsheet's date and time carry no time zone.
NINE_THIRTY = datetime.datetime(2026, 4, 1, 9, 30)  # noqa: DTZ001


def _openpyxl(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_values_of_every_type_are_read_as_text():
    data = _openpyxl(
        [
            ["名称", "数字", "日期", "时间", "真假", "公式"],
            ["  王秀英 ", 13812345678, datetime.date(2026, 4, 1), NINE_THIRTY, True, "=1+2"],
            ["", 2.5, None, None, False, None],
        ]
    )
    assert read_rows(data) == [
        ["名称", "数字", "日期", "时间", "真假", "公式"],
        ["王秀英", "13812345678", "2026-04-01", "2026-04-01 09:30:00", "是", "=1+2"],
        ["", "2.5", "", "", "否"],
    ]


def test_shared_strings_rich_text_and_gaps_between_rows():
    strings = (
        f'<sst xmlns="{MAIN}"><si><t>户号</t></si>'
        "<si><r><t>黄河</t></r><r><rPr><b/></rPr><t>社区</t></r><rPh><t>こう</t></rPh></si></sst>"
    )
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="4"><c r="C4" t="s"><v>1</v></c></row>'
    assert read_rows(workbook(sheet(rows), shared_strings=strings)) == [["户号"], [], [], ["", "", "黄河社区"]]


def test_a_prefixed_namespace_and_cells_without_references():
    xml = (
        '<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>甲</x:t></x:is></x:c><x:c><x:v>7</x:v></x:c></x:row>'
        '<x:row><x:c r="B2"><x:v>1E+3</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    assert read_rows(workbook(xml)) == [["甲", "7"], ["", "1000"]]


def test_custom_and_chinese_date_formats_are_dates():
    chinese = "yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="176" formatCode="{chinese}"/></numFmts>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="31"/><xf numFmtId="49"/>'
        "</cellXfs></styleSheet>"
    )
    # General, the custom 年月日 format, the built-in Chinese date (31) and text (49).
    rows = '<row r="1">' + "".join(f'<c r="{c}1" s="{i}"><v>46113</v></c>' for i, c in enumerate("ABCD")) + "</row>"
    assert read_rows(workbook(sheet(rows), styles=styles)) == [["46113", "2026-04-01", "2026-04-01", "46113"]]


def test_empty_and_formatted_cells_far_away_cost_nothing():
    rows = (
        '<row r="1">' + inline_cell("A1", "户号") + '<c r="XFD1" s="0"/></row>'
        '<row r="1048576"><c r="XFD1048576" s="0"/>' + inline_cell("XFC1048576", "  ") + "</row>"
    )
    assert read_rows(workbook(sheet(rows, before='<dimension ref="A1:XFD1048576"/>'))) == [["户号"]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ('<row r="5">' + inline_cell("A5", "x") + "</row>", "单元格 A5 有内容"),
        ('<row r="1">' + inline_cell("D1", "x") + "</row>", "单元格 D1 有内容"),
        (
            '<row r="1">'
            + "".join(inline_cell(f"{c}1", "x") for c in "ABC")
            + "</row>"
            + '<row r="2">'
            + "".join(inline_cell(f"{c}2", "x") for c in "ABC")
            + "</row>",
            "超过 5 个单元格",
        ),
    ],
    ids=["rows", "columns", "cells"],
)
def test_caps_are_on_what_the_sheet_holds(rows, message):
    limits = Limits(max_rows=3, max_columns=3, max_cells=5)
    with pytest.raises(XlsxRejected, match=message):
        read_rows(workbook(sheet(rows)), limits)


@pytest.mark.parametrize(
    "xml",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>3</v></c></row></sheetData></worksheet>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></c></row>'
        '<row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="a1"><v>1</v></c></row></sheetData></worksheet>',
    ],
    ids=["dtd", "missing-shared-string", "rows-out-of-order", "truncated", "bad-reference"],
)
def test_a_damaged_sheet_is_refused_not_crashed(xml):
    with pytest.raises(XlsxRejected, match="无法读取工作表"):
        read_rows(workbook(xml))
