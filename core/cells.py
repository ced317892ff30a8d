"""What a workbook cell means for the column it is in: the one cell reader of every import.

Offices type into General-format cells, copy from web pages and chat, and let the spreadsheet
"help": an 18-digit ID number becomes a number with 15 significant digits (its last digits
gone, silently), 户号 0416 becomes 416, "3-12" becomes 12 March, a formula's text is kept if
the file has no result, full-width digits and zero-width spaces come with pasted text.
``read_cell`` takes a cell as ``core.xlsx`` read it (a ``str``, or a ``Cell`` that says it was
a number, a date, a formula...) and the kind of its column, and answers with the text to use,
or why the cell is refused and what was read, and what it tidied (for the import preview).

Nothing is guessed back: a number in an ID column is refused, not "repaired", because the
digits that would be needed are not in the file.
"""

import enum
import re
from typing import NamedTuple

from django.utils.translation import gettext as _

# Invisible characters that come with pasted text: zero-width spaces and joiners, direction
# marks, word joiners, the byte-order mark, the soft hyphen, control characters.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u180e\x00-\x08\x0b-\x1f\x7f]"
)
_SPACES = str.maketrans({"\u00a0": " ", "\u3000": " "})
# Full-width digits and Latin letters → ASCII, in every column.
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
# Key columns (codes, numbers, phones): every full-width ASCII sign (－ （ ） ＋ ...) too.
_FULL_WIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# A spreadsheet runs text starting with these as a formula; older exports put a visible ' before them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_MOBILE = re.compile(r"1\d{10}")
_LANDLINE = re.compile(r"(0\d{2,3})-?(\d{7,8})")
_PHONE_SEPARATORS = re.compile(r"[\s\-.·]")
_LANDLINE_IN_BRACKETS = re.compile(r"\((0\d{2,3})\)\s*(\d{7,8})")


class Kind(enum.StrEnum):
    """What a column holds, for reading its cells."""

    TEXT = "text"  # names, addresses, notes: any text; numbers and dates as shown
    KEY = "key"  # 户号, user names: identify a row; a number or date here lost what was typed
    CODE = "code"  # unit and village codes
    ID_NUMBER = "id_number"
    PHONE = "phone"
    NUMBER = "number"  # counts: a number cell is what is wanted
    DATE = "date"


KEY_KINDS = {Kind.KEY, Kind.CODE, Kind.ID_NUMBER, Kind.PHONE}
PERSONAL_KINDS = {Kind.ID_NUMBER, Kind.PHONE}


class CellRead(NamedTuple):
    text: str  # the value to use ("" when refused)
    error: str = ""  # why the cell is refused (Chinese); "" when it is read
    shown: str = ""  # what the file holds, for the message (a number as the spreadsheet keeps it)
    notes: tuple[str, ...] = ()  # what was tidied (Chinese), for the preview


def visible(text: str) -> str:
    """``text`` with its invisible characters written out (⟨U+200B⟩), to show what was removed."""
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def read_cell(cell: str, kind: Kind) -> CellRead:
    """The cell's text for a column of ``kind``, or why it is refused. Never raises."""
    cell_kind = getattr(cell, "kind", None)
    if cell_kind is None or cell_kind == "text":
        return _read_text(str(cell), kind)
    text = str(cell)
    if cell_kind == "formula":
        return CellRead(
            "",
            _(
                "该单元格是公式（%(formula)s），文件中没有保存它的计算结果。请用 Excel、WPS 或 LibreOffice "
                "打开文件、保存一次后重新上传，或把公式复制后“选择性粘贴为数值”。"
            )
            % {"formula": cell.formula or text},
            text,
        )
    if cell_kind == "error":
        return CellRead("", _("该单元格的公式结果是错误值 %(value)s，请改正后重新上传。") % {"value": text}, text)
    if cell_kind == "number":
        return _read_number(text, kind)
    if cell_kind == "date" and kind in KEY_KINDS:
        return CellRead(
            "",
            _(
                "该单元格被电子表格自动识别成了日期（读到的是 %(value)s），原来输入的内容已无法还原；"
                "请把此列设为文本格式后重新输入。"
            )
            % {"value": text},
            text,
        )
    return CellRead(text)


def _read_number(text: str, kind: Kind) -> CellRead:
    digits = text.lstrip("-").replace(".", "")
    lost_tail = _("该单元格被存成了数字，末几位可能已丢失；请把此列设为文本格式后重新输入。")
    if kind == Kind.ID_NUMBER:
        return CellRead("", lost_tail, text)
    if kind == Kind.PHONE:
        # A mobile number is 11 digits from 1: as a number it loses nothing. Anything else may
        # have lost the 0 of its area code, or (past 15 digits) its last digits.
        if _MOBILE.fullmatch(text):
            return CellRead(text)
        if len(digits) > 15:
            return CellRead("", lost_tail, text)
        return CellRead("", _("该单元格被存成了数字，区号开头的 0 可能已丢失；请把此列设为文本格式后重新输入。"), text)
    if kind in (Kind.KEY, Kind.CODE):
        if len(digits) > 15:
            return CellRead("", lost_tail, text)
        return CellRead("", _("该单元格被存成了数字，开头的 0 可能已丢失；请把此列设为文本格式后重新输入。"), text)
    return CellRead(text)


def _read_text(text: str, kind: Kind) -> CellRead:
    if text.isascii() and text.isprintable() and not text.startswith("'"):
        # The common case: plain text, nothing to tidy.
        if kind not in KEY_KINDS:
            return CellRead(text)
        if kind == Kind.PHONE:
            if _MOBILE.fullmatch(text):
                return CellRead(text)
        elif not text.startswith(FORMULA_START) and " " not in text:
            return CellRead(text.upper() if kind == Kind.ID_NUMBER else text)
    notes: list[str] = []
    original = text
    cleaned = _INVISIBLE.sub("", text)
    if cleaned != text:
        names = sorted({f"U+{ord(ch):04X}" for ch in _INVISIBLE.findall(text)})
        notes.append(_("去掉了看不见的字符（%(chars)s）") % {"chars": "、".join(names)})
    text = cleaned.translate(_SPACES)
    widened = text.translate(_FULL_WIDTH_ASCII if kind in KEY_KINDS else _FULL_WIDTH_ALNUM)
    if widened != text:
        notes.append(_("全角字符改成了半角"))
    text = widened.strip()
    if text.startswith("'") and len(text) > 1 and (kind in KEY_KINDS or text[1:2].startswith(FORMULA_START)):
        # Older exports escaped formula-like text with a visible apostrophe; in a number or code
        # column one typed before a value the spreadsheet kept as text anyway (37…15X) stays there.
        text = text[1:].lstrip()
        notes.append(_("去掉了开头的单引号"))
    if kind not in KEY_KINDS:
        return CellRead(text)
    if text.startswith("=") and kind != Kind.PHONE:
        return CellRead(
            "",
            _("该单元格是没有计算的公式文本（%(value)s），请填写公式的结果，或把此列设为常规格式后重新输入公式。")
            % {"value": text},
            visible(original),
        )
    if kind == Kind.ID_NUMBER:
        text = text.replace(" ", "").upper()
    elif kind == Kind.PHONE:
        phone = _read_phone(text)
        if phone.error:
            return CellRead("", phone.error, visible(original))
        if phone.text != text:
            # The tidied number is shown (masked as the viewer must see it) beside the note.
            notes.append(_("整理了空格、横线、括号或国家代码"))
        text = phone.text
    return CellRead(text, "", visible(original), tuple(notes))


def _read_phone(text: str) -> CellRead:
    """A phone number with its spaces, dashes and country code tidied, or a precise refusal."""
    if "*" in text:
        return CellRead(text)  # a masked number from an export: the importer compares it
    plain = text
    for prefix in ("+86", "0086"):
        if plain.startswith(prefix):
            plain = plain[len(prefix) :].lstrip(" -")
    bracketed = _LANDLINE_IN_BRACKETS.fullmatch(plain.replace(" ", ""))
    if bracketed:
        return CellRead(f"{bracketed.group(1)}-{bracketed.group(2)}")
    compact = _PHONE_SEPARATORS.sub("", plain)
    if _MOBILE.fullmatch(compact):
        return CellRead(compact)
    if "-" in plain:
        # Where the area code ends is known only from the dash (010-1234567 or 0101-234567).
        area, _sep, number = plain.replace(" ", "").partition("-")
        landline = _LANDLINE.fullmatch(f"{area}-{_PHONE_SEPARATORS.sub('', number)}")
        if landline:
            return CellRead(f"{landline.group(1)}-{landline.group(2)}")
    elif _LANDLINE.fullmatch(compact):
        return CellRead(compact)
    others = sorted({ch for ch in compact if not ch.isdigit()} - {"(", ")"})
    if others:
        return CellRead(
            "",
            _("电话号码中有“%(chars)s”：只能填写数字，固定电话可在区号后加“-”（如 0531-12345678）。")
            % {"chars": "".join(others)},
        )
    compact = compact.replace("(", "").replace(")", "")
    if compact.startswith("1"):
        return CellRead(
            # The number itself is shown beside the reason, masked where the viewer must not see it.
            "",
            _("手机号应为11位数字，这里是 %(n)s 位，请核对。") % {"n": len(compact)},
        )
    return CellRead("", _("固定电话应为区号加号码（如 0531-12345678），位数不对，请核对。"))
