"""Reading untrusted .xlsx workbooks in bounded memory: the one reader every Excel import uses.

An .xlsx is a zip of XML parts, and nothing in it can be trusted: the declared ``<dimension>``
(``A1:XFD1048576``), the sizes in the zip headers, the counts in ``sharedStrings.xml``. Readers
that size their work from those (python-calamine builds the whole rectangle up to the farthest
cell: one cell in XFD1048576 asked for 512 GiB and aborted the process) let a 5 KB file take the
server down. This reader:

1. checks the zip's central directory before decompressing anything: number of parts, declared
   sizes and compression ratios, no macros; then counts what really comes out of every part
   while reading it (``_Bounded``), so a lying header does not help;
2. reads the workbook's sheet list (refusing too many sheets), the styles (only what tells a date
   from a number; refusing too many or too deep) and the shared strings (refusing too many or
   too much text) with expat, a streaming XML parser that builds no tree: what is kept is what
   the handlers keep, no DTD is accepted;
3. streams the first sheet's cells in the same way and caps rows, columns, cells and text by
   what the sheet really holds: a value past the caps is refused with its cell named (so a
   stray entry far down or to the right can be found and deleted), empty formatted cells cost
   nothing, and gaps between rows are filled only up to the next row that holds a value.

Memory is bounded by the caps (``Limits``), whatever the file declares. Anything that is not a
readable workbook becomes ``XlsxRejected`` with a Chinese message for the user, never a crash.
About 2.5x slower than python-calamine, which it replaces (docs/benchmarks.md).

Formulas are never evaluated: a formula cell reads as the value the spreadsheet program saved
with it (``Cell.formula`` keeps the formula), or, when none was saved, as its formula text with
``kind == "formula"`` so that the import can refuse it. Every cell is returned as text: a cell
stored as text is a plain ``str``; any other (a number, a date, a formula...) is a ``Cell``, a
``str`` that also says what it was, so an import can tell an ID number typed as text from one
a spreadsheet turned into a number and rounded (``core.cells.read_cell`` judges that).
"""

import datetime
import decimal
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Hard limits of the format (Excel's own): beyond them a file is damaged or hostile.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767

MAX_PARTS = 2000
# A deflated worksheet of short strings compresses ~10-20x; bombs compress thousands of times.
MAX_RATIO = 200
_CHUNK = 1024 * 1024
# Parts other than sheets and shared strings are small in any real workbook.
MAX_SMALL_PART_BYTES = 16 * 1024 * 1024
# Nesting of the styles part (a real one is 5 deep).
MAX_DEPTH = 32

_MACRO_CONTENT = b"macroEnabled"
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")


class XlsxRejected(Exception):
    """The workbook is refused; the message is shown to the user (Chinese)."""


class Cell(str):
    """A cell that was not stored as text: its text as read, and what it was.

    ``kind`` is "number", "date", "bool", "error", "text" (a formula's text result) or "formula"
    (a formula without a saved result: the text is the formula). ``formula`` is the formula of
    a formula cell ("" otherwise). Compares and hashes as its text.
    """

    kind: str
    formula: str

    def __new__(cls, text: str, kind: str, formula: str = ""):
        cell = super().__new__(cls, text)
        cell.kind = kind
        cell.formula = formula
        return cell

    def __reduce__(self):
        return (Cell, (str(self), self.kind, self.formula))


@dataclass
class Table:
    """The first sheet of a workbook: its rows from row 1 (trailing blanks dropped, a row without
    values ``[]``) and its merged ranges as (top row, left column, bottom row, right column),
    rows numbered from 1 as in the spreadsheet, columns from 0."""

    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]]


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold. Defaults from settings (``XLSX_IMPORT_*``); see config/settings."""

    max_bytes: int = 20 * 1024 * 1024
    max_uncompressed: int = 400 * 1024 * 1024
    # Data rows (the header row is one more), columns, and cells (the sum of the rows' widths).
    max_rows: int = 200_000
    max_columns: int = 100
    max_cells: int = 3_000_000
    max_sheets: int = 100
    # Cell formats, fonts, fills, borders and number formats together (Excel allows 64,000 formats).
    max_styles: int = 70_000
    max_shared_strings: int = 3_000_000
    # Characters of text kept from the file (shared strings and inline strings together).
    max_text_chars: int = 64_000_000

    @classmethod
    def from_settings(cls) -> "Limits":
        default = cls()
        return cls(
            max_bytes=getattr(settings, "OUTREACH_IMPORT_MAX_BYTES", default.max_bytes),
            max_uncompressed=getattr(settings, "OUTREACH_IMPORT_MAX_UNCOMPRESSED_BYTES", default.max_uncompressed),
            max_rows=getattr(settings, "XLSX_IMPORT_MAX_ROWS", default.max_rows),
            max_columns=getattr(settings, "XLSX_IMPORT_MAX_COLUMNS", default.max_columns),
            max_cells=getattr(settings, "XLSX_IMPORT_MAX_CELLS", default.max_cells),
            max_sheets=getattr(settings, "XLSX_IMPORT_MAX_SHEETS", default.max_sheets),
            max_styles=getattr(settings, "XLSX_IMPORT_MAX_STYLES", default.max_styles),
            max_shared_strings=getattr(settings, "XLSX_IMPORT_MAX_SHARED_STRINGS", default.max_shared_strings),
            max_text_chars=getattr(settings, "XLSX_IMPORT_MAX_TEXT_CHARS", default.max_text_chars),
        )


def _damaged() -> XlsxRejected:
    return XlsxRejected(_("无法读取工作表：文件已损坏或格式不受支持。"))


def _bomb() -> XlsxRejected:
    return XlsxRejected(_("文件解压后过大，疑似压缩炸弹，已拒绝。"))


def column_letters(index: int) -> str:
    """0 → A, 16383 → XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


# --- the zip container ---------------------------------------------------------------------------


# What uploads may be: the name says which format, the first bytes must agree.
XLSX, XLS, ODS = "xlsx", "xls", "ods"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# The name of the VBA storage in an .xls (UTF-16 in the compound file's directory).
_XLS_VBA = "_VBA_PROJECT".encode("utf-16-le")


def format_of(data: bytes) -> str | None:
    """Which workbook format ``data`` is, by its first bytes (None: none of ours)."""
    if data.startswith(_OLE2):
        return XLS
    if data.startswith(b"PK\x03\x04"):
        # An OpenDocument file starts with its uncompressed "mimetype" part.
        return ODS if data[30:38] == b"mimetype" and _ODS_MIMETYPE in data[38:120] else XLSX
    return None


def check_package(data: bytes, name: str, limits: Limits | None = None) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx, .xls or .ods workbook. Raises XlsxRejected.

    An .xlsx: reads the central directory, then decompresses every part in a stream (nothing is
    kept) to count what really comes out, and reads the sheet list: cheap enough for the upload
    request. An .ods is the same kind of zip (same counts, no Basic or script parts); an .xls is
    checked for its signature and a VBA project, and is read later in a child process with
    memory and time limits (``read_table``).
    """
    limits = limits or Limits.from_settings()
    lowered = (name or "").lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise XlsxRejected(_("不接受含宏的文件（.xlsm），请另存为 .xlsx 后上传。"))
    if not lowered.endswith((".xlsx", ".xls", ".ods")):
        raise XlsxRejected(_("只接受 .xlsx、.xls 或 .ods 格式的电子表格文件。"))
    if len(data) > limits.max_bytes:
        raise XlsxRejected(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": len(data) / 1048576, "limit": limits.max_bytes / 1048576}
        )
    expected = lowered.rsplit(".", 1)[-1]
    found = format_of(data)
    if expected == XLS:
        if found != XLS:
            raise XlsxRejected(_("文件内容不是 .xls 格式（可能是改了扩展名的其他文件）。"))
        if _XLS_VBA in data:
            raise XlsxRejected(_("文件包含宏代码，已拒绝。请去掉宏后另存为 .xlsx。"))
        return
    if expected == ODS and found != ODS:
        raise XlsxRejected(_("文件内容不是 .ods 格式（可能是改了扩展名的其他文件）。"))
    if expected == XLSX and found == ODS:
        raise XlsxRejected(_("文件内容不是 .xlsx 格式（可能是改了扩展名的其他文件）。"))
    archive = _open_archive(data, limits, ods=expected == ODS)
    total = 0
    for info in archive.infolist():
        # Count what really comes out: the sizes in the zip headers may lie.
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.max_uncompressed:
                        raise _bomb()
                    if info.filename == "[Content_Types].xml" and _MACRO_CONTENT in chunk:
                        raise XlsxRejected(_("文件包含宏代码，已拒绝。请去掉宏后另存为 .xlsx。"))
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
            raise XlsxRejected(_("文件已损坏，无法打开。")) from exc
    if expected == XLSX:
        _Workbook(archive, limits).first_sheet_part()


def _open_archive(data: bytes, limits: Limits, *, ods: bool = False) -> zipfile.ZipFile:
    """The zip, after the checks its central directory allows (nothing decompressed yet)."""
    if not data.startswith(b"PK\x03\x04"):
        raise XlsxRejected(_("文件内容不是 .xlsx 格式（可能是改了扩展名的其他文件）。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise XlsxRejected(_("文件已损坏，无法作为 .xlsx 打开。")) from exc
    if len(infos) > MAX_PARTS:
        raise XlsxRejected(_("文件结构异常（部件过多），已拒绝。"))
    names = {info.filename for info in infos}
    if ods:
        if "content.xml" not in names:
            raise XlsxRejected(_("文件内容不是 .ods 格式（缺少工作表内容）。"))
        # LibreOffice keeps Basic macros under Basic/ and other scripts under Scripts/.
        if any(n.startswith(("Basic/", "Scripts/")) for n in names):
            raise XlsxRejected(_("文件包含宏代码，已拒绝。请去掉宏后另存为 .xlsx。"))
    elif "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise XlsxRejected(_("文件内容不是 .xlsx 格式（缺少工作簿）。"))
    if any(n.lower().endswith("vbaproject.bin") or "/vba" in n.lower() for n in names):
        raise XlsxRejected(_("文件包含宏代码，已拒绝。请去掉宏后另存为 .xlsx。"))
    if sum(info.file_size for info in infos) > limits.max_uncompressed:
        raise _bomb()
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > _CHUNK:
            raise XlsxRejected(_("文件压缩比异常，疑似压缩炸弹，已拒绝。"))
    return archive


class _Bounded:
    """A part's decompressed stream that refuses to give more than ``limit`` bytes in total.

    The zip header's size is not trusted: the bytes are counted as they come out."""

    def __init__(self, stream, limit: int, exceeded):
        self._stream = stream
        self._left = limit
        self._exceeded = exceeded

    def chunks(self) -> Iterator[bytes]:
        while chunk := self._stream.read(_CHUNK):
            self._left -= len(chunk)
            if self._left < 0:
                raise self._exceeded()
            yield chunk


def _refuse_doctype(*args) -> None:
    # A workbook part never has a DTD; one could only declare entities (billion laughs).
    raise _damaged()


def _parser(start=None, end=None, data=None):
    """An expat parser (no tree is built: memory stays what the handlers keep) without DTDs.

    Names are the qualified names as written ("c", or "x:c" with a prefix): handlers compare
    local names, so the transitional and strict namespaces read alike."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 65536
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if data is not None:
        parser.CharacterDataHandler = data
    return parser


def _local(name: str) -> str:
    return name[name.index(":") + 1 :] if ":" in name else name


def _attribute(attrs: dict, local: str) -> str | None:
    """An attribute by its local name (``r:id`` and ``id`` alike)."""
    for key, value in attrs.items():
        if key == local or key.endswith(":" + local):
            return value
    return None


# --- workbook, styles, shared strings ------------------------------------------------------------

# Number formats that show a date or time (built-in ids; 27-36 and 50-58 are the CJK locales').
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_NOT_DATE = re.compile(r'"[^"]*"|\\.|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')


def _is_date_code(code: str) -> bool:
    section = _NOT_DATE.sub("", code.split(";")[0])
    return section.lower() != "general" and _DATE_CODE.search(section) is not None


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self.names = set(archive.namelist())
        self.date1904 = False
        self.rels: dict[str, tuple[str, str]] = {}

    def _chunks(self, part: str, limit: int, exceeded=_bomb) -> Iterator[bytes]:
        info = self.archive.getinfo(part)
        if info.file_size > limit:
            raise exceeded()
        with self.archive.open(info) as stream:
            yield from _Bounded(stream, limit, exceeded).chunks()

    def _parse(self, part: str, limit: int, parser, exceeded=_bomb, stop=None) -> None:
        for chunk in self._chunks(part, limit, exceeded):
            parser.Parse(chunk, False)
            if stop is not None and stop():
                return
        parser.Parse(b"", True)

    def _relationships(self) -> dict[str, tuple[str, str]]:
        """Id → (type, part) of the workbook's relationships."""
        found: dict[str, tuple[str, str]] = {}
        part = "xl/_rels/workbook.xml.rels"
        if part not in self.names:
            return found

        def start(name, attrs):
            if _local(name) == "Relationship":
                if len(found) > MAX_PARTS:
                    raise XlsxRejected(_("文件结构异常（部件过多），已拒绝。"))
                target = attrs.get("Target") or ""
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                found[attrs.get("Id") or ""] = (attrs.get("Type") or "", _normalise(path))

        self._parse(part, MAX_SMALL_PART_BYTES, _parser(start))
        return found

    def first_sheet_part(self) -> str:
        """The first sheet's part; reads the sheet list, the 1904 date flag, the relationships."""
        sheets: list[str | None] = []

        def start(name, attrs):
            local = _local(name)
            if local == "sheet":
                if len(sheets) >= self.limits.max_sheets:
                    raise XlsxRejected(
                        _("工作簿中的工作表过多（超过 %(limit)s 个），已拒绝。请只保留要导入的工作表。")
                        % {"limit": self.limits.max_sheets}
                    )
                sheets.append(_attribute(attrs, "id"))
            elif local == "workbookPr":
                self.date1904 = (attrs.get("date1904") or "").lower() in ("1", "true")

        self._parse("xl/workbook.xml", MAX_SMALL_PART_BYTES, _parser(start))
        self.rels = self._relationships()
        first = sheets[0] if sheets else None
        if first is None or first not in self.rels or self.rels[first][1] not in self.names:
            raise XlsxRejected(_("文件中没有可读取的工作表。"))
        return self.rels[first][1]

    def _related(self, kind: str, default: str) -> str | None:
        for rel_type, part in self.rels.values():
            if rel_type.endswith("/" + kind) and part in self.names:
                return part
        return default if default in self.names else None

    def date_styles(self) -> list[bool]:
        """For each cell format (the ``s`` of a cell), whether it shows a date or time."""
        part = self._related("styles", "xl/styles.xml")
        if part is None:
            return []
        limit = self.limits.max_styles

        def too_many():
            return XlsxRejected(
                _("文件中的单元格样式过多（超过 %(limit)s 个），已拒绝。请清除多余格式后另存再上传。")
                % {"limit": f"{limit:,}"}
            )

        codes: dict[str, str] = {}
        xfs: list[str] = []
        state = {"depth": 0, "elements": 0, "container": ""}

        def start(name, attrs):
            state["depth"] += 1
            state["elements"] += 1
            # Formats, fonts, fills, borders and what they hold: a real workbook has a few each.
            if state["elements"] > limit * 10:
                raise too_many()
            depth = state["depth"]
            if depth > MAX_DEPTH:
                raise XlsxRejected(_("文件结构异常（样式嵌套过深），已拒绝。"))
            local = _local(name)
            if depth == 2:
                state["container"] = local
            elif depth == 3:
                if len(xfs) + len(codes) >= limit:
                    raise too_many()
                if local == "numFmt":
                    codes[attrs.get("numFmtId") or ""] = attrs.get("formatCode") or ""
                elif local == "xf" and state["container"] == "cellXfs":
                    xfs.append(attrs.get("numFmtId") or "0")

        def end(name):
            state["depth"] -= 1

        self._parse(part, MAX_SMALL_PART_BYTES, _parser(start, end), too_many)
        dates = []
        for format_id in xfs:
            if format_id in codes:
                dates.append(_is_date_code(codes[format_id]))
            else:
                dates.append(format_id.isdigit() and int(format_id) in _DATE_FORMAT_IDS)
        return dates

    def shared_strings(self) -> list[str]:
        part = self._related("sharedStrings", "xl/sharedStrings.xml")
        if part is None:
            return []
        limits = self.limits
        strings: list[str] = []
        pieces: list[str] = []
        state = {"chars": 0, "in_t": False, "skip": 0}

        def start(name, attrs):
            local = _local(name)
            if local == "t":
                state["in_t"] = not state["skip"]
            elif local == "rPh":  # phonetic hints: not part of the text
                state["skip"] += 1
            elif local == "si":
                pieces.clear()

        def end(name):
            local = _local(name)
            if local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["skip"] -= 1
            elif local == "si":
                if len(strings) >= limits.max_shared_strings:
                    raise XlsxRejected(
                        _("文件中的文本条目过多（超过 %(limit)s 条），已拒绝。")
                        % {"limit": f"{limits.max_shared_strings:,}"}
                    )
                strings.append("".join(pieces))
                pieces.clear()

        def data(text):
            if state["in_t"]:
                state["chars"] += len(text)
                if state["chars"] > limits.max_text_chars:
                    raise _too_much_text(limits)
                pieces.append(text)

        self._parse(part, limits.max_uncompressed, _parser(start, end, data))
        return strings


def _normalise(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _too_much_text(limits: Limits) -> XlsxRejected:
    return XlsxRejected(
        _("文件中的文字总量过大（超过 %(limit)s 个字），已拒绝。请拆分后分批导入。")
        % {"limit": f"{limits.max_text_chars:,}"}
    )


# --- the sheet -----------------------------------------------------------------------------------


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


def number_display(raw: str) -> str:
    """A number as a spreadsheet stored it, written out: "3.71602195104061E+17" → "371602195104061000"
    (what the cell holds: the digits past the 15th are gone), "46113" → "46113", "2.5" → "2.5"."""
    try:
        number = decimal.Decimal(raw.strip())
    except decimal.InvalidOperation:
        return raw.strip()
    if not number.is_finite():
        return raw.strip()
    if number == number.to_integral_value():
        return format(number.quantize(decimal.Decimal(1)), "f") if abs(number) < 10**30 else raw.strip()
    return format(number.normalize(), "f")


def _number_text(raw: str, is_date: bool, date1904: bool) -> str:
    try:
        number = float(raw)
    except ValueError:
        return raw.strip()
    if is_date:
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

        try:
            return Cell(cell_text(from_excel(number, epoch=MAC_EPOCH if date1904 else WINDOWS_EPOCH)), "date")
        except (OverflowError, ValueError):
            pass
    return Cell(number_display(raw), "number")


def _iso_date_text(raw: str) -> str:
    try:
        return Cell(cell_text(datetime.datetime.fromisoformat(raw.strip().rstrip("Z"))), "date")
    except ValueError:
        return raw.strip()


def iter_rows(data: bytes, limits: Limits | None = None) -> Iterator[list[str]]:
    """The first sheet's rows from Excel row 1, every cell as text, trailing blanks dropped.

    A row without values is ``[]``; rows after the last one holding a value are not given.
    Raises XlsxRejected (possibly after some rows were given) when a cap is passed or the file
    cannot be read.
    """
    limits = limits or Limits.from_settings()
    try:
        yield from _rows(data, limits)
    except XlsxRejected:
        raise
    except MemoryError as exc:
        raise XlsxRejected(_("文件内容过多，无法读取。请拆分后分批导入。")) from exc
    except Exception as exc:  # any damage: XML, zip, zlib, numbers, a missing part
        raise _damaged() from exc


def read_rows(data: bytes, limits: Limits | None = None) -> list[list[str]]:
    return list(iter_rows(data, limits))


def read_table(data: bytes, limits: Limits | None = None) -> Table:
    """The first sheet's rows (as ``iter_rows``) and its merged ranges, of an .xlsx, .xls or .ods
    (told apart by its first bytes). Raises XlsxRejected."""
    limits = limits or Limits.from_settings()
    if format_of(data) in (XLS, ODS):
        from .calamine import read_other_table  # the .xls/.ods reader runs in a child process

        return read_other_table(data, limits)
    merges: list[tuple[int, int, int, int]] = []
    try:
        rows = list(_rows(data, limits, merges))
    except XlsxRejected:
        raise
    except MemoryError as exc:
        raise XlsxRejected(_("文件内容过多，无法读取。请拆分后分批导入。")) from exc
    except Exception as exc:  # any damage: XML, zip, zlib, numbers, a missing part
        raise _damaged() from exc
    return Table(rows=rows, merges=merges)


def ods_merges(data: bytes, limits: Limits) -> list[tuple[int, int, int, int]]:
    """The merged ranges of an .ods's first sheet (python-calamine gives none for .ods): its
    content.xml streamed through expat, decompressed output counted, the first table only."""
    archive = _open_archive(data, limits, ods=True)
    merges: list[tuple[int, int, int, int]] = []
    state = {"tables": 0, "row": 1, "repeat": 1, "column": 0, "depth": 0}

    def number(attrs, name) -> int:
        try:
            return max(1, int(_attribute(attrs, name) or 1))
        except ValueError:
            return 1

    def start(name, attrs):
        local = _local(name)
        if local == "table":
            state["tables"] += 1
        if state["tables"] != 1:
            return
        if local == "table-row":
            state["repeat"] = number(attrs, "number-rows-repeated")
            state["column"] = 0
        elif local in ("table-cell", "covered-table-cell"):
            rows, columns = number(attrs, "number-rows-spanned"), number(attrs, "number-columns-spanned")
            if local == "table-cell" and (rows > 1 or columns > 1):
                if len(merges) >= MAX_MERGES:
                    raise XlsxRejected(_("工作表中的合并单元格过多，已拒绝。请取消合并后重新上传。"))
                row, column = state["row"], state["column"]
                merges.append((row, column, row + rows - 1, column + columns - 1))
            state["column"] += number(attrs, "number-columns-repeated")

    def end(name):
        if state["tables"] == 1 and _local(name) == "table-row":
            state["row"] += state["repeat"]

    book = _Workbook(archive, limits)
    parser = _parser(start, end)
    book._parse("content.xml", limits.max_uncompressed, parser, stop=lambda: state["tables"] > 1)
    return merges


# Merged ranges kept from one sheet: far more than any register has (each is four numbers).
MAX_MERGES = 100_000


def merge_range(ref: str) -> tuple[int, int, int, int] | None:
    """ "A3:B10" → (3, 0, 10, 1); None when it is not a range."""
    first, _sep, last = ref.partition(":")
    start, end = _REF.match(first.strip()), _REF.match(last.strip())
    if start is None or end is None:
        return None
    top, bottom = int(start.group(2)), int(end.group(2))
    left, right = _column_index(start.group(1)), _column_index(end.group(1))
    if top > bottom or left > right:
        return None
    return top, left, bottom, right


def _column_number(letters: str, cache: dict[str, int]) -> int:
    index = cache.get(letters)
    if index is None:
        if not letters or len(letters) > 3 or not letters.isascii() or not letters.isupper():
            raise _damaged()
        index = cache[letters] = _column_index(letters)
    return index


def _sheet_parser(book: _Workbook, limits: Limits, ready: list, merges: list | None = None):
    """An expat parser for one sheet: cells are read as they end, finished rows go to ``ready``.

    Nothing is kept but the row being read, the rows ready to be given, and the text of the
    cell being read (at most EXCEL_MAX_CELL_CHARS). Returns (parser, finish, is_done); finish()
    gives the last row. Written as closures over local variables: this runs for every cell of
    files of 100,000 rows."""
    dates = book.date_styles()
    strings = book.shared_strings()
    string_count = len(strings)
    date1904 = book.date1904
    max_row = limits.max_rows + 1  # the header row, then the data rows
    max_columns = limits.max_columns
    columns: dict[str, int] = {}
    digits = "0123456789"
    # Names as written: "c", or "x:c" when the file gives its namespace a prefix.
    prefix = ""
    C, V, F, T, IS, ROW, RPH, SHEET_DATA = "c", "v", "f", "t", "is", "row", "rPh", "sheetData"
    # Row and cell state.
    text_chars = 0
    cells = emitted = row_number = last_row = 0
    column = -1
    row_r = None
    current: list[str] = []
    ref = kind = style = raw = formula = inline = None
    buffer: list[str] = []
    buffered = 0
    collecting = False
    in_is = skip = 0
    done = False
    started = False

    def start(name, attrs):
        nonlocal ref, kind, style, raw, formula, inline, buffer, buffered, collecting, row_r, row_number
        nonlocal column, in_is, skip, started, prefix, C, V, F, T, IS, ROW, RPH, SHEET_DATA
        if name == C:
            ref = attrs.get("r")
            kind = attrs.get("t")
            style = attrs.get("s")
            raw = formula = inline = None
            if not row_number:
                # The first cell of a row: which row.
                if row_r:
                    number = int(row_r)
                elif ref:
                    number = int(ref[len(ref.rstrip(digits)) :])
                else:
                    number = last_row + 1
                if not last_row < number <= EXCEL_MAX_ROWS:
                    raise _damaged()
                row_number = number
            if ref:
                letters = ref.rstrip(digits)
                column = columns.get(letters, -1)
                if column < 0:
                    column = _column_number(letters, columns)
            else:
                column += 1
            if column >= EXCEL_MAX_COLUMNS:
                raise _damaged()
        elif name in (V, F) or (name == T and in_is and not skip):
            collecting = True
            buffer = []
            buffered = 0
        elif name == ROW:
            row_r = attrs.get("r")
            row_number = 0
            column = -1
        elif name == IS:
            in_is += 1
            inline = ""
        elif name == RPH:
            skip += 1
        elif not started:
            started = True
            if ":" in name:
                prefix = name[: name.index(":") + 1]
                C, V, F, T, IS, ROW, RPH, SHEET_DATA = (
                    prefix + n for n in ("c", "v", "f", "t", "is", "row", "rPh", "sheetData")
                )

    def end(name):
        nonlocal raw, formula, inline, collecting, last_row, in_is, skip, done
        if name == C:
            cell_ended()
        elif name == V:
            raw = "".join(buffer)
            collecting = False
        elif name == F:
            formula = "=" + "".join(buffer)
            collecting = False
        elif name == T:
            if collecting:
                inline += "".join(buffer)
                collecting = False
        elif name == ROW:
            if row_number:
                last_row = row_number
        elif name == IS:
            in_is -= 1
        elif name == RPH:
            skip -= 1
        elif name == SHEET_DATA:
            parser.EndElementHandler = parser.CharacterDataHandler = None
            if merges is None:
                done = True  # nothing after the cells matters
                parser.StartElementHandler = None
            else:
                # After the cells: only the merged ranges (<mergeCell ref="A3:A10"/>) are read.
                parser.StartElementHandler = merge_start

    def merge_start(name, attrs):
        if _local(name) == "mergeCell":
            if len(merges) >= MAX_MERGES:
                raise XlsxRejected(
                    _("工作表中的合并单元格过多（超过 %(limit)s 个），已拒绝。请取消合并后重新上传。")
                    % {"limit": f"{MAX_MERGES:,}"}
                )
            found = merge_range(attrs.get("ref") or "")
            if found is not None:
                merges.append(found)

    def data(text):
        nonlocal buffered
        if collecting:
            buffered += len(text)
            if buffered > EXCEL_MAX_CELL_CHARS:
                raise _damaged()
            buffer.append(text)

    def cell_ended():
        nonlocal text_chars, cells, emitted, current
        if kind == "s":
            if raw is None:
                text = ""
            else:
                index = int(raw)
                if not 0 <= index < string_count:
                    raise _damaged()
                text = strings[index].strip()
        elif kind == "inlineStr":
            text = (inline or "").strip()
        elif raw is None or not raw.strip():
            text = ""
        elif kind == "b":
            text = Cell(cell_text(raw.strip() in ("1", "true")), "bool")
        elif kind == "str":
            text = raw.strip()
        elif kind == "e":
            text = Cell(raw.strip(), "error")
        elif kind == "d":
            text = _iso_date_text(raw)
        else:
            is_date = False
            if style:
                index = int(style)
                is_date = 0 <= index < len(dates) and dates[index]
            text = _number_text(raw, is_date, date1904)
        if formula is not None:
            # The value the spreadsheet saved with the formula; the formula itself when none was.
            if not text:
                # No saved result: no <v>, or an empty one where a number belongs (openpyxl
                # writes that); an empty <v> of a text formula is a saved empty text.
                if inline is None and (raw is None or (kind in (None, "n") and not raw.strip())):
                    text = Cell(formula, "formula", formula)
            elif isinstance(text, Cell):
                text.formula = formula
            else:
                text = Cell(text, "text", formula)
        if not text:
            return
        # A value: it must lie within the caps.
        row = row_number
        if row > max_row or column >= max_columns:
            raise XlsxRejected(
                _(
                    "工作表的单元格 %(cell)s 有内容，超出了可导入的范围（最多 %(rows)s 行数据、%(cols)s 列）。"
                    "请删除该单元格或多余的行、列，或拆分文件后重新上传。"
                )
                % {"cell": f"{column_letters(column)}{row}", "rows": f"{limits.max_rows:,}", "cols": max_columns}
            )
        # Every cell's text counts, a shared string as often as cells repeat it: what is read
        # here is copied and formatted further on (one 30,000-character string in every cell of
        # a small file would otherwise be gigabytes downstream).
        text_chars += len(text)
        if text_chars > limits.max_text_chars:
            raise _too_much_text(limits)
        if row != emitted:
            # Rows are given in order, a row without values as [].
            if emitted:
                ready.append(current)
            for _blank in range(emitted + 1, row):
                ready.append([])
            current = []
            emitted = row
        width = len(current)
        if column >= width:
            cells += column + 1 - width
            if cells > limits.max_cells:
                raise XlsxRejected(
                    _("工作表的内容过多（超过 %(limit)s 个单元格），已拒绝。请拆分后分批导入。")
                    % {"limit": f"{limits.max_cells:,}"}
                )
            current.extend([""] * (column + 1 - width))
        current[column] = text

    def finish() -> list[str] | None:
        return current if emitted else None

    parser = _parser(start, end, data)
    return parser, finish, lambda: done


def _rows(data: bytes, limits: Limits, merges: list | None = None) -> Iterator[list[str]]:
    archive = _open_archive(data, limits)
    book = _Workbook(archive, limits)
    part = book.first_sheet_part()
    ready: list[list[str]] = []
    parser, finish, is_done = _sheet_parser(book, limits, ready, merges)
    for chunk in book._chunks(part, limits.max_uncompressed):
        parser.Parse(chunk, False)
        if ready:
            yield from ready
            ready.clear()
        if is_done():
            break
    else:
        parser.Parse(b"", True)
        yield from ready
    last = finish()
    if last is not None:
        yield last
