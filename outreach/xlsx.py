"""Reading uploaded .xlsx files safely and fast, and writing exports that a spreadsheet never runs.

Uploads are checked before any parser sees them: the size limit, the zip container, the parts an
.xlsx must have, no macros (vbaProject.bin, macro-enabled content types) and no zip bomb (every
part is decompressed in a stream and counted, so a lying header does not help). Only then does
python-calamine read the first sheet (~80k rows/s here against ~6k for openpyxl read-only).

Formulas are never evaluated: a formula cell is read as its formula text (``=1+1``), the value
a spreadsheet program might have cached is ignored.
"""

import datetime
import html
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_PARTS = 2000
# A deflated worksheet of short strings compresses ~10-20x; bombs compress thousands of times.
MAX_RATIO = 200
_CHUNK = 1024 * 1024

_MACRO_CONTENT = b"macroEnabled"
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>\s*<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)', re.S)


class XlsxRejected(Exception):
    """The upload is refused before parsing; the message is shown to the user (Chinese)."""


@dataclass
class Sheet:
    header: list[str]
    rows: list[list[str]]  # data rows only, as text; row i is Excel row i + 2


def max_upload_bytes() -> int:
    return getattr(settings, "OUTREACH_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _max_uncompressed() -> int:
    return getattr(settings, "OUTREACH_IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)


def check_upload(data: bytes, name: str) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx workbook. Raises XlsxRejected."""
    lowered = (name or "").lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise XlsxRejected(_("不接受含宏的文件（.xlsm），请另存为 .xlsx 后上传。"))
    if not lowered.endswith(".xlsx"):
        raise XlsxRejected(_("只接受 .xlsx 格式的 Excel 文件。"))
    if len(data) > max_upload_bytes():
        raise XlsxRejected(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": len(data) / 1048576, "limit": max_upload_bytes() / 1048576}
        )
    if not data.startswith(b"PK\x03\x04"):
        raise XlsxRejected(_("文件内容不是 .xlsx 格式（可能是改了扩展名的其他文件）。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxRejected(_("文件已损坏，无法作为 .xlsx 打开。")) from exc
    names = {info.filename for info in infos}
    if len(infos) > MAX_PARTS:
        raise XlsxRejected(_("文件结构异常（部件过多），已拒绝。"))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise XlsxRejected(_("文件内容不是 .xlsx 格式（缺少工作簿）。"))
    if any(n.lower().endswith("vbaproject.bin") or "/vba" in n.lower() for n in names):
        raise XlsxRejected(_("文件包含宏代码，已拒绝。请去掉宏后另存为 .xlsx。"))
    declared = sum(info.file_size for info in infos)
    if declared > _max_uncompressed():
        raise XlsxRejected(_("文件解压后过大，疑似压缩炸弹，已拒绝。"))
    total = 0
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > _CHUNK:
            raise XlsxRejected(_("文件压缩比异常，疑似压缩炸弹，已拒绝。"))
        # Count what really comes out: the sizes in the zip headers may lie.
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > _max_uncompressed():
                        raise XlsxRejected(_("文件解压后过大，疑似压缩炸弹，已拒绝。"))
                    if info.filename == "[Content_Types].xml" and _MACRO_CONTENT in chunk:
                        raise XlsxRejected(_("文件包含宏代码，已拒绝。请去掉宏后另存为 .xlsx。"))
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise XlsxRejected(_("文件已损坏，无法作为 .xlsx 打开。")) from exc


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    workbook = archive.read("xl/workbook.xml")
    match = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
    if not match:
        return None
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        if re.search(rb'Id="' + re.escape(match.group(1)) + rb'"', tag):
            target = re.search(rb'Target="([^"]+)"', tag)
            if target:
                path = target.group(1).decode()
                return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _formula_cells(data: bytes) -> dict[tuple[int, int], str]:
    """(row, column) → "=formula" for every formula cell of the first sheet (0-based)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    part = _first_sheet_part(archive)
    if part is None or part not in archive.namelist():
        return {}
    xml = archive.read(part)
    if b"<f" not in xml:
        return {}
    found = {}
    for match in _FORMULA_CELL.finditer(xml):
        text = (match.group(3) or b"").decode("utf-8", "replace")
        # XML escapes, numeric character references included (lxml writes non-ASCII that way).
        text = html.unescape(text)
        found[(int(match.group(2)) - 1, _column_index(match.group(1)))] = "=" + text
    return found


def cell_text(value) -> str:
    """A cell as text: integral floats lose their '.0' (a phone typed as a number), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def read_first_sheet(data: bytes) -> Sheet:
    """Header and data rows of the first sheet, every cell as text. Call check_upload first."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        raw = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise XlsxRejected(_("无法读取工作表：文件已损坏或格式不受支持。")) from exc
    formulas = _formula_cells(data)
    rows = [[cell_text(v) for v in values] for values in raw]
    for (r, c), text in formulas.items():
        if r < len(rows):
            row = rows[r]
            if c >= len(row):
                row.extend([""] * (c + 1 - len(row)))
            row[c] = text
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return Sheet(header=[], rows=[])
    header = [h.strip() for h in rows[0]]
    return Sheet(header=header, rows=rows[1:])


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
