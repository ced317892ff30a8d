""".xls and .ods workbooks, read by python-calamine in a child process with memory and time limits.

Offices and WPS still save .xls (Excel 97-2003) and .ods. python-calamine reads both, but it
builds the whole rectangle from the first to the farthest cell before giving one row (a value
in the last cell of an .xls asks for ~16 million cells; an .ods can repeat one cell a billion
times with ``number-columns-repeated``). So it runs in a child process (``_calamine_child.py``)
whose address space and CPU time are capped: a file that would take the server down kills
only the child, and the user is told the file is too large or damaged. The child applies the
same caps as the .xlsx reader (rows, columns, cells, text; a value past them is named by its
cell) and hands back typed values, which become the same ``Cell`` values as the .xlsx reader's.
"""

import json
import resource
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .xlsx import ODS, Cell, Limits, Table, XlsxRejected, column_letters, format_of, ods_merges

_CHILD = Path(__file__).with_name("_calamine_child.py")


def _child_limits() -> tuple[int, int]:
    """(bytes of address space, seconds of CPU) the child may use."""
    memory = getattr(settings, "XLSX_IMPORT_CHILD_MEMORY_BYTES", 1024 * 1024 * 1024)
    seconds = getattr(settings, "XLSX_IMPORT_CHILD_SECONDS", 120)
    return memory, seconds


def _too_large() -> XlsxRejected:
    return XlsxRejected(
        _("文件内容过多或结构异常，读取时超出了内存或时间上限，已拒绝。请删除多余的行、列后另存，或拆分后分批导入。")
    )


def read_other_table(data: bytes, limits: Limits) -> Table:
    """The first sheet of an .xls or .ods (already checked by ``check_package``). Raises XlsxRejected."""
    memory, seconds = _child_limits()

    def confine():  # runs in the child before it starts
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    caps = {
        "rows": limits.max_rows + 1,  # the header row, then the data rows
        "columns": limits.max_columns,
        "cells": limits.max_cells,
        "chars": limits.max_text_chars,
        "sheets": limits.max_sheets,
        "merges": 100_000,
    }
    try:
        done = subprocess.run(  # noqa: S603 - our own script, run by this Python, no shell
            [sys.executable, "-I", str(_CHILD), json.dumps(caps)],
            input=data,
            capture_output=True,
            timeout=seconds * 2,
            preexec_fn=confine,  # noqa: PLW1509 - sets limits only; no locks are taken
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise _too_large() from exc
    if done.returncode != 0:
        raise _too_large()
    try:
        answer = json.loads(done.stdout)
    except ValueError as exc:
        raise _too_large() from exc
    if "error" in answer:
        raise _refusal(answer, limits)
    rows = [[_cell(value) for value in row] for row in answer["rows"]]
    if format_of(data) == ODS:
        try:
            merges = ods_merges(data, limits)
        except XlsxRejected:
            raise
        except Exception as exc:  # damaged XML or zip
            raise XlsxRejected(_("无法读取工作表：文件已损坏或格式不受支持。")) from exc
    else:
        merges = [tuple(m) for m in answer["merges"]]
    return Table(rows=rows, merges=merges)


def _refusal(answer: dict, limits: Limits) -> XlsxRejected:
    error = answer["error"]
    if error == "password":
        return XlsxRejected(_("文件设置了打开密码，无法读取。请取消密码后另存再上传。"))
    if error == "sheets":
        return XlsxRejected(
            _("工作簿中的工作表过多（超过 %(limit)s 个），已拒绝。请只保留要导入的工作表。")
            % {"limit": limits.max_sheets}
        )
    if error == "no_sheet":
        return XlsxRejected(_("文件中没有可读取的工作表。"))
    if error == "place":
        row, column = answer["at"]
        return XlsxRejected(
            _(
                "工作表的单元格 %(cell)s 有内容，超出了可导入的范围（最多 %(rows)s 行数据、%(cols)s 列）。"
                "请删除该单元格或多余的行、列，或拆分文件后重新上传。"
            )
            % {"cell": f"{column_letters(column)}{row}", "rows": f"{limits.max_rows:,}", "cols": limits.max_columns}
        )
    if error == "cells":
        return XlsxRejected(
            _("工作表的内容过多（超过 %(limit)s 个单元格），已拒绝。请拆分后分批导入。")
            % {"limit": f"{limits.max_cells:,}"}
        )
    if error == "chars":
        return XlsxRejected(
            _("文件中的文字总量过大（超过 %(limit)s 个字），已拒绝。请拆分后分批导入。")
            % {"limit": f"{limits.max_text_chars:,}"}
        )
    if error == "merges":
        return XlsxRejected(_("工作表中的合并单元格过多，已拒绝。请取消合并后重新上传。"))
    return XlsxRejected(_("无法读取工作表：文件已损坏或格式不受支持。"))


def _cell(value):
    """A value the child wrote: "" (empty), text, or [kind, text] for the other kinds."""
    if isinstance(value, str):
        return value
    kind, text = value
    return Cell(text, kind)
