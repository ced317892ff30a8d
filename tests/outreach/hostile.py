"""Hostile .xlsx workbooks, written part by part (zip and XML by hand, no spreadsheet library).

Each is small on disk and passes the upload's size check; each made a reader that trusts what a
file declares allocate without bound (python-calamine aborted the process on several of them).
``HOSTILE`` maps a name to (file bytes, what the user is told). Also used to look at the
import page by hand: ``python -c "from tests.outreach.hostile import write_all; write_all('/tmp')"``.
"""

import io
import os
import pickle
import random
import resource
import traceback
import zipfile

from outreach.importing import HouseholdImporter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = REL + "/worksheet"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(text)}</t></is></c>'


def header_row() -> str:
    """Row 1: the household template's header, so a readable file is a real household import."""
    letters = "ABCDEFGHIJ"
    cells = "".join(inline_cell(f"{letters[i]}1", h) for i, h in enumerate(HouseholdImporter.headers()))
    return f'<row r="1">{cells}</row>'


def household_row(row: int, number: str = "0001") -> str:
    values = ["CA1V1", "", number, "王秀英", "3", "一组", "13812345678", "", "", ""]
    cells = "".join(inline_cell(f"{'ABCDEFGHIJ'[i]}{row}", v) for i, v in enumerate(values) if v)
    return f'<row r="{row}">{cells}</row>'


def sheet(rows: str, *, before: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{before}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def workbook(
    sheet_xml: str | bytes,
    *,
    styles: str | bytes | None = None,
    shared_strings: str | bytes | None = None,
    sheets: int = 1,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An .xlsx of one sheet part; ``sheets`` entries in the sheet list all point at it."""
    overrides = [
        ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
    ]
    rels = [f'<Relationship Id="rId1" Type="{SHEET_TYPE}" Target="worksheets/sheet1.xml"/>']
    parts: dict[str, str | bytes] = {"xl/worksheets/sheet1.xml": sheet_xml}
    if styles is not None:
        parts["xl/styles.xml"] = styles
        rels.append(f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>')
        overrides.append(("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"))
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
        rels.append(f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        overrides.append(
            ("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        )
    sheet_list = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId1"/>' for i in range(sheets))
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f"<sheets>{sheet_list}</sheets></workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>'
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
        + "</Types>"
    )
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def far_cell() -> bytes:
    """The issue's file: a header, then one value in the last cell a sheet has."""
    return workbook(sheet(header_row() + '<row r="1048576">' + inline_cell("XFD1048576", "x") + "</row>"))


def declared_far() -> bytes:
    """A real household row, a declared dimension of the whole sheet and an empty string in its
    last cell: nothing to refuse (an empty cell is no content), and nothing to allocate."""
    return workbook(
        sheet(
            header_row() + household_row(2) + '<row r="1048576">' + inline_cell("XFD1048576", "") + "</row>",
            before='<dimension ref="A1:XFD1048576"/>',
        )
    )


def deep_styles(depth: int = 60_000) -> bytes:
    styles = f'<styleSheet xmlns="{MAIN}"><fonts count="1">' + "<font>" * depth + "</font>" * depth + "</fonts>"
    return workbook(sheet(header_row() + household_row(2)), styles=styles + "</styleSheet>")


def many_styles(count: int = 100_000) -> bytes:
    rng = random.Random(12)
    xfs = "".join(
        f'<xf numFmtId="{rng.randrange(200)}" fontId="{rng.randrange(10**6)}" fillId="{rng.randrange(10**6)}"/>'
        for _ in range(count)
    )
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs count="{count}">{xfs}</cellXfs></styleSheet>'
    return workbook(sheet(header_row() + household_row(2)), styles=styles)


def shared_strings_bomb(rows: int = 3000, length: int = 30_000) -> bytes:
    """One long shared string (declared as four billion) repeated in every cell of a small sheet."""
    rng = random.Random(7)
    text = "".join(rng.choice("甲乙丙丁戊己庚辛壬癸") for _ in range(length))
    strings = f'<sst xmlns="{MAIN}" count="4000000000" uniqueCount="4000000000"><si><t>{text}</t></si></sst>'
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(2, rows + 2)
    )
    return workbook(sheet(header_row() + cells), shared_strings=strings)


def many_sheets(count: int = 20_000) -> bytes:
    return workbook(sheet(header_row() + household_row(2)), sheets=count)


def zip_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """A worksheet part that inflates to 300 MB of blanks (zeros of whitespace compress ~1000x)."""
    head, tail = sheet(header_row() + household_row(2)).split("<sheetData>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook(sheet("")))) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(head.encode() + b"<sheetData>")
            blank = b" " * (1024 * 1024)
            for _ in range(size // len(blank)):
                stream.write(blank)
            stream.write(tail.encode())
    return buffer.getvalue()


# name → (builder, what the user is told; None: the file is read and checked normally)
HOSTILE = {
    "far-cell-XFD1048576": (far_cell, "单元格 XFD1048576 有内容，超出了可导入的范围"),
    "declared-dimension-and-empty-far-cell": (declared_far, None),
    "deep-styles": (deep_styles, "样式嵌套过深"),
    "many-styles": (many_styles, "单元格样式过多"),
    "shared-strings-bomb": (shared_strings_bomb, "文字总量过大"),
    "many-sheets": (many_sheets, "工作表过多"),
    "zip-bomb": (zip_bomb, "疑似压缩炸弹"),
}


HEADROOM = 1024 * 1024 * 1024  # 1 GiB more than the test process already maps


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def in_limited_child(work):
    """Run ``work()`` in a forked child limited to HEADROOM more address space.

    Returns (how the child ended, what work() returned): ("exit", 0) and its result when it
    ran to the end; ("signal", n) or ("exit", n) and None (or the traceback) when it died."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read_end)
            limit = _address_space() + HEADROOM
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
            payload = pickle.dumps(("ok", work()))
            code = 0
        except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
            payload = pickle.dumps(("error", traceback.format_exc()))
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    ended = ("signal", os.WTERMSIG(status)) if os.WIFSIGNALED(status) else ("exit", os.WEXITSTATUS(status))
    return ended, (pickle.loads(payload) if payload else None)  # noqa: S301 - our own child's bytes


def write_all(directory: str) -> None:
    from pathlib import Path

    for name, (build, _message) in HOSTILE.items():
        Path(directory, f"{name}.xlsx").write_bytes(build())
