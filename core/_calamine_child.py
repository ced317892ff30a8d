"""Read the first sheet of an .xls or .ods from stdin with python-calamine; JSON to stdout.

Run by ``core.calamine`` in a child process with memory and CPU limits; imports nothing of the
project (no Django). Argument: the caps as JSON. Output: {"rows": [...], "merges": [...]} with
rows from row 1 (trailing blanks dropped) and each cell "" or its text, or [kind, text] for a
number, date, bool or error; or {"error": code, ...} when a cap is passed or the file cannot be read.
"""

import datetime
import decimal
import io
import json
import sys


def _number(value) -> str:
    # A float as the spreadsheet shows and stores it: 15 significant digits.
    number = decimal.Decimal(format(value, ".15g")) if isinstance(value, float) else decimal.Decimal(value)
    if number == number.to_integral_value():
        return format(number.quantize(decimal.Decimal(1)), "f") if abs(number) < 10**30 else repr(value)
    return format(number.normalize(), "f")


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    return value.isoformat()


def _value(value):
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if value.strip() in _ERRORS:
            return ["error", value.strip()]
        return value.strip()
    if isinstance(value, bool):
        return ["bool", "是" if value else "否"]
    if isinstance(value, int | float):
        return ["number", _number(value)]
    if isinstance(value, datetime.date | datetime.time):
        return ["date", _date(value)]
    if isinstance(value, datetime.timedelta):
        return ["number", str(value)]
    return str(value).strip()


def main() -> int:
    caps = json.loads(sys.argv[1])
    data = sys.stdin.buffer.read()
    out = sys.stdout
    try:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if len(book.sheet_names) > caps["sheets"]:
            json.dump({"error": "sheets"}, out)
            return 0
        if not book.sheet_names:
            json.dump({"error": "no_sheet"}, out)
            return 0
        sheet = book.get_sheet_by_index(0)
        # Row by row (the whole grid as Python objects would be several times calamine's own).
        top, left = sheet.start or (0, 0)
        grid = sheet.iter_rows()
        merges = list(sheet.merged_cell_ranges or [])
    except Exception as exc:  # noqa: BLE001 - any failure to read is "damaged"
        name = type(exc).__name__
        json.dump({"error": "password" if "Password" in name else "damaged"}, out)
        return 0
    rows, cells, chars, last = [[] for _row in range(top)], 0, 0, 0
    for index, raw in enumerate(grid, start=top):
        row = [""] * left + [_value(value) for value in raw]
        while row and row[-1] == "":
            row.pop()
        if not row:
            rows.append(row)
            continue
        number = index + 1
        if number > caps["rows"] or len(row) > caps["columns"]:
            column = len(row) - 1 if len(row) > caps["columns"] else next(i for i, v in enumerate(row) if v != "")
            json.dump({"error": "place", "at": [number, column]}, out)
            return 0
        cells += len(row)
        if cells > caps["cells"]:
            json.dump({"error": "cells"}, out)
            return 0
        chars += sum(len(v if isinstance(v, str) else v[1]) for v in row)
        if chars > caps["chars"]:
            json.dump({"error": "chars"}, out)
            return 0
        rows.append(row)
        last = len(rows)
    if len(merges) > caps["merges"]:
        json.dump({"error": "merges"}, out)
        return 0
    spans = []
    for (top, left), (bottom, right) in merges:
        spans.append([top + 1, left, bottom + 1, right])
    json.dump({"rows": rows[:last], "merges": spans}, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
