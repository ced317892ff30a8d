"""Excel imports of households, cadres and pairings: check every row, then write all or nothing.

``check()`` reads nothing but the parsed sheet and a few look-up queries (villages, categories,
existing keys); it returns every bad row with its Excel row number, the column header and a
Chinese reason. ``apply()`` writes a checked plan in one transaction with batched bulk upserts
on the natural keys, so importing the same file twice updates instead of duplicating.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from campaigns.selectors import campaign_choices_for_user
from core import dates
from core.cells import KEY_KINDS, PERSONAL_KINDS, Kind, read_cell
from core.masking import mask_id_number, mask_phone, unmask_text
from core.roles import CADRE, GROUP_NAMES
from core.xlsx import column_letters
from core.xlsx_write import Column as SheetColumn
from org.models import Cadre, OrgUnit

from .models import Household, HouseholdCategory, HouseholdMember, Pairing
from .validators import validate_id_number, validate_members_count, validate_phone
from .xlsx import Sheet, header_key

BATCH_SIZE = 2000
PROGRESS_EVERY = 5000
# Every bad row is listed; past this many the stored report stops (the count stays exact).
MAX_STORED_ERRORS = 5000
# The preview lists field by field what this many updated rows change; the rest are counted.
MAX_LISTED_CHANGES = 50
# The preview lists this many tidied key cells (full width, invisible characters, phones, merges).
MAX_LISTED_NOTES = 200
# A row whose first cell starts with this is the template's example row: skipped, with a notice.
# The template's own example starts so, which makes the downloaded template harmless as-is.
EXAMPLE_PREFIX = "示例"

_SPLIT = re.compile(r"[,，、;；\s]+")
_YES = {"是", "yes", "y", "true", "1", "√"}
_NO = {"否", "no", "n", "false", "0", ""}


@dataclass
class Column:
    key: str
    header: str
    required: bool = False
    example: str = ""
    # How its cells are read (core.cells): a code, an ID or phone number, a count, a date, text.
    kind: Kind = Kind.TEXT
    # One value per row (户号 of a register, a user name): a value merged over several rows is
    # refused with the merge named; other columns take the merged value on every row.
    unique: bool = False
    # Choices an office picks from (the template offers them as a list).
    choices: tuple[str, ...] = ()
    # Width in the template and the export (characters); 0: by kind.
    width: int = 0


# Column widths by kind, in characters: an ID number needs 20 to show whole.
_WIDTHS = {Kind.CODE: 16, Kind.KEY: 12, Kind.ID_NUMBER: 22, Kind.PHONE: 16, Kind.NUMBER: 10, Kind.DATE: 12}


def sheet_columns(importer, headers) -> list[SheetColumn]:
    """How an export or template lays out ``headers`` (texts) when ``importer`` reads them back:
    code, 户号, ID and phone columns as text, the widths, the drop-down lists of its choices."""
    known = {c.header: c for c in importer.columns}
    laid_out = []
    for header in headers:
        column = known.get(str(header))
        if column is None:
            laid_out.append(SheetColumn(str(header), 14 if len(str(header)) < 8 else 40))
            continue
        width = column.width or _WIDTHS.get(column.kind, 14)
        laid_out.append(SheetColumn(column.header, width, text=column.kind in KEY_KINDS, choices=column.choices))
    return laid_out


@dataclass
class CheckResult:
    total: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    plan: list = field(default_factory=list)
    creates: int = 0
    updates: int = 0
    # Rows whose stored values already equal the file's (written again, but nothing changes).
    unchanged: int = 0
    # Excel row numbers with at least one error (a row may have several).
    error_rows: set[int] = field(default_factory=set)
    # The Excel row number of each plan item (empty for a plan loaded back from the preview).
    plan_rows: list[int] = field(default_factory=list)
    # What the first MAX_LISTED_CHANGES updated rows change: {"row", "label", "fields": [{"key",
    # "header", "old", "new"}]}; values unmasked here, masked for display (selectors).
    changes: list[dict] = field(default_factory=list)
    more_changes: int = 0
    # Excel row numbers of skipped example rows.
    examples: list[int] = field(default_factory=list)
    # Key cells the reader tidied: {"row", "column", "before", "after", "note", "personal"}.
    notes: list[dict] = field(default_factory=list)
    more_notes: int = 0

    def note_tidied(self, row: int, column: str, before: str, after: str, note: str, *, personal: bool) -> None:
        if len(self.notes) >= MAX_LISTED_NOTES:
            self.more_notes += 1
            return
        self.notes.append(
            {"row": row, "column": column, "before": before, "after": after, "note": note, "personal": personal}
        )

    def note_change(self, index: int, label: str, fields: list[dict]) -> None:
        if len(self.changes) >= MAX_LISTED_CHANGES:
            self.more_changes += 1
            return
        row = self.plan_rows[index] if index < len(self.plan_rows) else None
        self.changes.append({"row": row, "label": label, "fields": fields})

    def add(self, row: int, column: str, reason: str, *, value: str | None = None, personal: bool = False) -> None:
        """One bad cell. ``value``: what the file holds there, shown beside the reason (masked
        on screen and in the errors workbook when ``personal`` and the viewer may not see it)."""
        self.error_count += 1
        self.error_rows.add(row)
        if len(self.errors) < MAX_STORED_ERRORS:
            error = {"row": row, "column": column, "reason": reason}
            if value is not None:
                error["value"] = value
                if personal:
                    error["personal"] = True
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class Importer:
    kind = ""
    title = ""
    columns: list[Column] = []
    # Whether a checked plan may be stored at the preview and written at confirm after
    # ``revalidate`` (households: large files); others are checked again in full.
    caches_plan = False

    def __init__(self, *, user, unit: OrgUnit | None, campaign=None):
        self.user = user
        # None: the superuser, who may import anywhere.
        self.unit = unit
        self.campaign = campaign
        self._headers = {c.key: c.header.rstrip("*") for c in self.columns}

    @classmethod
    def headers(cls) -> list[str]:
        return [c.header for c in cls.columns]

    @classmethod
    def template_rows(cls) -> tuple[list[str], list[list[str]]]:
        """Header and example row of the downloadable template.

        The example's first cell starts with EXAMPLE_PREFIX, so uploading the template unchanged
        writes nothing; a last column (ignored by the import) says so in words.
        """
        header = [*cls.headers(), _("填写说明（导入时忽略此列）")]
        example = [c.example for c in cls.columns]
        example[0] = f"{EXAMPLE_PREFIX}{example[0]}"
        note = _("本行是示例：第一列以“示例”开头的行导入时一律跳过。请删除本行，或另起一行按同样格式填写真实数据。")
        return header, [[*example, note]]

    def in_scope(self, path: str) -> bool:
        return self.unit is None or path.startswith(self.unit.path)

    def header_names(self) -> set[str]:
        return {header_key(c.header) for c in self.columns}

    def _index(self, sheet: Sheet, result: CheckResult) -> dict[str, int] | None:
        positions: dict[str, int] = {}
        for i, h in enumerate(sheet.header):
            if h:
                positions.setdefault(header_key(h), i)
        index = {}
        for column in self.columns:
            bare = column.header.rstrip("*")
            pos = positions.get(header_key(column.header))
            if pos is None and column.required:
                result.add(
                    sheet.first_row - 1,
                    column.header,
                    _("缺少必填列“%(col)s”，请下载导入模板，按模板的列标题填写。") % {"col": bare},
                )
            if pos is not None:
                index[column.key] = pos
        return None if result.error_count else index

    def check(self, sheet: Sheet, *, progress: Callable[[int], None] | None = None) -> CheckResult:
        result = CheckResult()
        sheet = sheet.locate_header(self.header_names())
        index = self._index(sheet, result)
        if index is None:
            return result
        if not sheet.rows:
            result.add(sheet.first_row, "", _("文件中没有数据行。"))
            return result
        sheet, refused = self._read_cells(sheet, index, result)
        self.prepare(sheet, index)
        keys = list(index.items())
        # About 20 steps for the progress bar, each a short UPDATE of the job.
        every = max(500, min(PROGRESS_EVERY, len(sheet.rows) // 20))
        first_pos = index.get(self.columns[0].key)
        first_row = sheet.first_row
        for offset, raw in enumerate(sheet.rows):
            if not any(raw):
                continue
            width = len(raw)
            if first_pos is not None and first_pos < width and raw[first_pos].startswith(EXAMPLE_PREFIX):
                result.examples.append(offset + first_row)
                continue
            result.total += 1
            values = {k: (raw[i] if i < width else "") for k, i in keys}
            planned, reported = len(result.plan), len(result.errors)
            self.check_row(offset + first_row, values, result)
            bad = refused.get(offset)
            if bad:
                # Its refused cells are reported already (read as empty here): drop what the row
                # check says about them again, and the row is not planned.
                self._forget(result, reported, bad)
                del result.plan[planned:]
            elif len(result.plan) > planned:
                result.plan_rows.append(offset + first_row)
            if progress is not None and result.total % every == 0:
                progress(result.total)
        if result.total == 0 and result.examples:
            result.add(
                result.examples[0],
                self.columns[0].header.rstrip("*"),
                _(
                    "文件中只有模板的示例行（第一列以“示例”开头），没有要导入的数据。请删除示例行，按示例格式填写后再上传。"
                ),
            )
        elif result.total == 0:
            result.add(first_row, "", _("文件中没有数据行。"))
        if refused:
            result.errors.sort(key=lambda error: error["row"])
        if result.plan:
            # Also for a file with bad rows: the preview shows what its good rows would do.
            self.count_changes(result)
        return result

    @staticmethod
    def _forget(result: CheckResult, since: int, columns: set[str]) -> None:
        """Drop the errors added since ``since`` about ``columns`` (cells already refused)."""
        kept = [error for error in result.errors[since:] if error["column"] not in columns]
        dropped = len(result.errors) - since - len(kept)
        if dropped:
            result.errors[since:] = kept
            result.error_count -= dropped

    def _read_cells(
        self, sheet: Sheet, index: dict[str, int], result: CheckResult
    ) -> tuple[Sheet, dict[int, set[str]]]:
        """The sheet with every imported cell read for its column (core.cells.read_cell): tidied
        text, merged values filled down; and, by row offset, the columns of refused cells (reported)."""
        columns = [(column, index[column.key]) for column in self.columns if column.key in index]
        first_row = sheet.first_row
        merged = self._merged_cells(sheet, {pos for _c, pos in columns})
        first_pos = index.get(self.columns[0].key)
        refused: dict[int, set[str]] = {}
        rows: list[list[str]] = []
        for offset, raw in enumerate(sheet.rows):
            if not any(raw) or (
                first_pos is not None and first_pos < len(raw) and str(raw[first_pos]).startswith(EXAMPLE_PREFIX)
            ):
                rows.append(raw)
                continue
            row = list(raw)
            for column, pos in columns:
                cell = row[pos] if pos < len(row) else ""
                span = merged.get((offset, pos)) if merged else None
                if span is not None and cell == "":
                    cell = self._merged_value(span, sheet, column, pos, offset, result)
                    if cell is None:
                        refused.setdefault(offset, set()).add(column.header.rstrip("*"))
                        continue
                    if len(row) <= pos:
                        row.extend([""] * (pos + 1 - len(row)))
                if not cell:
                    continue
                read = read_cell(cell, column.kind)
                header = column.header.rstrip("*")
                personal = column.kind in PERSONAL_KINDS
                if read.error:
                    result.add(offset + first_row, header, read.error, value=read.shown, personal=personal)
                    refused.setdefault(offset, set()).add(header)
                    row[pos] = ""
                    continue
                if read.notes and column.kind in KEY_KINDS:
                    result.note_tidied(
                        offset + first_row, header, read.shown, read.text, "；".join(read.notes), personal=personal
                    )
                row[pos] = read.text
            rows.append(row)
        return Sheet(header=sheet.header, rows=rows, first_row=first_row, merges=sheet.merges), refused

    @staticmethod
    def _merged_cells(sheet: Sheet, positions: set[int]) -> dict[tuple[int, int], tuple[int, int, int, int]]:
        """(row offset, column) of each data cell under the top of a vertical merge → the merge."""
        covered = {}
        for top, left, bottom, right in sheet.merges:
            if bottom <= top or left not in positions or top < sheet.first_row:
                continue
            for row in range(top + 1, min(bottom, sheet.first_row + len(sheet.rows) - 1) + 1):
                covered[(row - sheet.first_row, left)] = (top, left, bottom, right)
        return covered

    def _merged_value(self, span, sheet: Sheet, column: Column, pos: int, offset: int, result: CheckResult):
        """A cell under a merge: the merge's value (noted once per merge), or None when the
        column holds one value per row (refused, the merge named)."""
        top, left, bottom, right = span
        name = f"{column_letters(left)}{top}:{column_letters(right)}{bottom}"
        if column.unique:
            result.add(
                offset + sheet.first_row,
                column.header.rstrip("*"),
                _(
                    "该单元格在合并单元格 %(range)s 中，只有第一行有值，而每一行的“%(col)s”应各不相同；"
                    "请取消合并，在每一行填写。"
                )
                % {"range": name, "col": column.header.rstrip("*")},
                value="",
            )
            return None
        top_row = sheet.rows[top - sheet.first_row]
        value = top_row[pos] if pos < len(top_row) else ""
        if offset + sheet.first_row == top + 1 and value and column.kind in KEY_KINDS:
            result.note_tidied(
                top + 1,
                column.header.rstrip("*"),
                name,
                str(value),
                _("合并单元格 %(range)s 的值填入了其下的每一行") % {"range": name},
                personal=column.kind in PERSONAL_KINDS,
            )
        return value

    # Subclasses fill these in.
    def prepare(self, sheet: Sheet, index: dict[str, int]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def check_row(self, row: int, values: dict[str, str], result: CheckResult) -> None:  # pragma: no cover
        raise NotImplementedError

    def count_changes(self, result: CheckResult) -> None:  # pragma: no cover
        raise NotImplementedError

    def apply(self, result: CheckResult) -> dict:  # pragma: no cover
        raise NotImplementedError

    def revalidate(self, result: CheckResult) -> bool:
        """Whether a stored plan still holds; False means "check the file again"."""
        return False

    def header_of(self, key: str) -> str:
        return self._headers[key]


def _validation_reason(exc: ValidationError) -> str:
    return "".join(str(m) for m in exc.messages)


MASK_CHAR = "*"
MASKERS_BY_KEY = {"phone": mask_phone, "id_number": mask_id_number}


def _masked(item: tuple) -> bool:
    """Whether a household plan row carries a masked phone (5) or ID number (6), or masked
    numbers in its address (4) or notes (7): a masked export's free text (core.masking)."""
    return MASK_CHAR in item[5] or MASK_CHAR in item[6] or MASK_CHAR in item[4] or MASK_CHAR in item[7]


def _masks_match(item: tuple, stored: tuple[str, str, str, str] | None) -> bool:
    if stored is None:
        # Stars in a new household's address or notes are just text; a masked number is not.
        return MASK_CHAR not in item[5] and MASK_CHAR not in item[6]
    phone, id_number = stored[:2]
    if MASK_CHAR in item[5] and (not phone or mask_phone(phone) != item[5]):
        return False
    return not (MASK_CHAR in item[6] and (not id_number or mask_id_number(id_number.upper()) != item[6]))


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


class HouseholdImporter(Importer):
    kind = "households"
    title = gettext_lazy("农户名册")
    columns = [
        Column("village_code", "村/社区代码*", True, "371602001001", kind=Kind.CODE),
        Column("village_name", "村/社区名称", False, "黄河社区"),
        Column("number", "户号*", True, "0001", kind=Kind.KEY, unique=True),
        Column("head_name", "户主姓名*", True, "王秀英"),
        Column("members_count", "家庭人口", False, "3", kind=Kind.NUMBER),
        Column("address", "住址", False, "黄河社区1组1号", width=28),
        Column("phone", "联系电话", False, "13812345678", kind=Kind.PHONE),
        Column("id_number", "户主身份证号", False, "37160219800101003X", kind=Kind.ID_NUMBER, unique=True),
        Column("categories", "类别", False, "特困户、留守家庭", width=20),
        Column("notes", "备注", False, "", width=30),
    ]

    def prepare(self, sheet, index):
        self.villages = {
            code: (pk, path, kind, name)
            for pk, code, path, kind, name in OrgUnit.objects.values_list("pk", "code", "path", "kind", "name")
        }
        self.categories = {}
        for pk, code, name in HouseholdCategory.objects.values_list("pk", "code", "name"):
            self.categories[name] = pk
            self.categories[code] = pk
        self.seen: dict[tuple[int, str], int] = {}
        self.today = dates.today()
        self.stored = self._stored_personal(self._masked_keys(sheet, index))

    def _masked_keys(self, sheet: Sheet, index: dict[str, int]) -> set[tuple[int, str]]:
        """(village id, number) of every row whose phone or ID cell is a masked value."""
        positions = [index[key] for key in ("phone", "id_number", "address", "notes") if key in index]
        code_pos, number_pos = index["village_code"], index["number"]
        keys = set()
        for row in sheet.rows:
            width = len(row)
            if any(pos < width and MASK_CHAR in row[pos] for pos in positions):
                village = self.villages.get(row[code_pos] if code_pos < width else "")
                if village is not None and number_pos < width:
                    keys.add((village[0], row[number_pos]))
        return keys

    @staticmethod
    def _stored_personal(keys: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[str, str, str, str]]:
        """Stored (phone, ID number, address, notes) of these households; locked inside a transaction.

        The lock holds from the decision "this masked cell means the stored value" until the
        write, so an edit of the household in between cannot be overwritten or mismatched.
        """
        by_village: dict[int, list[str]] = {}
        for village_id, number in keys:
            by_village.setdefault(village_id, []).append(number)
        stored = {}
        for village_id, numbers in by_village.items():
            for start in range(0, len(numbers), 500):
                query = Household.objects.filter(village_id=village_id, number__in=numbers[start : start + 500])
                if connection.in_atomic_block:
                    query = query.select_for_update()
                for number, *personal in query.values_list("number", "phone", "id_number", "address", "notes"):
                    stored[(village_id, number)] = tuple(personal)
        return stored

    def _check_masked(self, row, key, value, stored_value, result) -> None:
        """A masked cell (from a masked export) is accepted only as "keep the stored value"."""
        masker = MASKERS_BY_KEY[key]
        if not stored_value:
            result.add(
                row,
                self.header_of(key),
                _("“%(value)s”是打码（含*）的号码，但系统中该户没有可对照的已存号码，请填写完整号码。")
                % {"value": value},
            )
        elif masker(stored_value.upper()) != value:
            result.add(
                row,
                self.header_of(key),
                _("“%(value)s”是打码（含*）的号码，与系统中该户已存的号码不一致；如需修改，请填写完整号码。")
                % {"value": value},
            )

    def check_row(self, row, values, result):
        errors_before = result.error_count
        code = values.get("village_code", "")
        village_id = None
        h_code = "村/社区代码"
        if not code:
            result.add(row, h_code, _("村/社区代码不能为空。"))
        elif code not in self.villages:
            result.add(row, h_code, _("村/社区代码“%(code)s”在系统中不存在，请核对。") % {"code": code})
        else:
            pk, path, kind, name = self.villages[code]
            if kind != OrgUnit.Kind.VILLAGE:
                result.add(
                    row,
                    h_code,
                    _("代码“%(code)s”对应的是“%(name)s”，不是村/社区，请填写村/社区的代码。")
                    % {"name": name, "code": code},
                )
            elif not self.in_scope(path):
                result.add(
                    row,
                    h_code,
                    _("村/社区“%(name)s（%(code)s）”不在您的管辖范围内。") % {"name": name, "code": code},
                )
            else:
                village_id = pk
        number = values.get("number", "")
        if not number:
            result.add(row, self.header_of("number"), _("户号不能为空。"))
        elif len(number) > 32:
            result.add(row, self.header_of("number"), _("户号不能超过32个字符。"))
        elif village_id is not None:
            first = self.seen.setdefault((village_id, number), row)
            if first != row:
                result.add(
                    row,
                    self.header_of("number"),
                    _("第 %(first)s 行和第 %(row)s 行的户号都是“%(number)s”，同一村/社区内户号不能重复。")
                    % {"number": number, "first": first, "row": row},
                )
        head = values.get("head_name", "")
        if not head:
            result.add(row, self.header_of("head_name"), _("户主姓名不能为空。"))
        elif len(head) > 50:
            result.add(row, self.header_of("head_name"), _("户主姓名不能超过50个字符。"))
        members = values.get("members_count", "") or "1"
        try:
            members_count = int(members)
        except ValueError:
            members_count = None
        try:
            validate_members_count(members_count)  # the household form's rule
        except ValidationError as exc:
            members_count = 1
            result.add(row, self.header_of("members_count"), exc.messages[0])
        address = values.get("address", "")
        if len(address) > 200:
            result.add(row, self.header_of("address"), _("住址不能超过200个字符。"))
        stored = self.stored.get((village_id, number), ("", "", "", "")) if village_id is not None else None
        phone = values.get("phone", "").replace(" ", "")
        if phone and MASK_CHAR in phone:
            if stored is not None:
                self._check_masked(row, "phone", phone, stored[0], result)
        elif phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                result.add(row, self.header_of("phone"), _validation_reason(exc))
        id_number = values.get("id_number", "").replace(" ", "").upper()
        if id_number and MASK_CHAR in id_number:
            if stored is not None:
                self._check_masked(row, "id_number", id_number, stored[1], result)
        elif id_number:
            try:
                validate_id_number(id_number, today=self.today)
            except ValidationError as exc:
                result.add(row, self.header_of("id_number"), _validation_reason(exc))
        category_ids = []
        for name in _SPLIT.split(values.get("categories", "")):
            if not name:
                continue
            pk = self.categories.get(name)
            if pk is None:
                result.add(
                    row,
                    self.header_of("categories"),
                    _("类别“%(name)s”不存在；类别名称须与系统中一致，多个类别用顿号（、）分隔。") % {"name": name},
                )
            elif pk not in category_ids:
                category_ids.append(pk)
        if result.error_count == errors_before:
            result.plan.append(
                (
                    village_id,
                    number,
                    head,
                    members_count,
                    address,
                    phone,
                    id_number,
                    values.get("notes", ""),
                    category_ids,
                )
            )

    caches_plan = True

    def revalidate(self, result):
        village_ids = {item[0] for item in result.plan}
        villages = OrgUnit.objects.filter(pk__in=village_ids, kind=OrgUnit.Kind.VILLAGE).values_list("path", flat=True)
        paths = list(villages)
        if len(paths) != len(village_ids) or not all(self.in_scope(path) for path in paths):
            return False
        category_ids = {c for item in result.plan for c in item[8]}
        if HouseholdCategory.objects.filter(pk__in=category_ids).count() != len(category_ids):
            return False
        # Masked cells must still match what is stored (now locked until the write).
        masked = {(item[0], item[1]) for item in result.plan if _masked(item)}
        stored = self._stored_personal(masked)
        return all(_masks_match(item, stored.get((item[0], item[1]))) for item in result.plan if _masked(item))

    def count_changes(self, result):
        village_ids = {item[0] for item in result.plan}
        households = Household.objects.filter(village_id__in=village_ids)
        existing = {
            (v, n): rest
            for v, n, *rest in households.values_list(
                "village_id", "number", "head_name", "members_count", "address", "phone", "id_number", "notes"
            )
        }
        links: dict[tuple[int, str], set[int]] = {}
        through = Household.categories.through.objects.filter(household__village_id__in=village_ids)
        for v, n, c in through.values_list("household__village_id", "household__number", "householdcategory_id"):
            links.setdefault((v, n), set()).add(c)
        result.creates = result.updates = result.unchanged = 0
        codes = names = None
        keys = ("head_name", "members_count", "address", "phone", "id_number", "notes")
        for position, item in enumerate(result.plan):
            key = (item[0], item[1])
            old = existing.get(key)
            if old is None:
                result.creates += 1
                continue
            phone = old[3] if MASK_CHAR in item[5] else item[5]
            id_number = old[4] if MASK_CHAR in item[6] else item[6]
            address, notes = unmask_text(item[4], old[2]), unmask_text(item[7], old[5])
            new = [item[2], item[3], address, phone, id_number, notes]
            old_categories = links.get(key, set())
            if new == list(old) and set(item[8]) == old_categories:
                result.unchanged += 1
                continue
            result.updates += 1
            if len(result.changes) >= MAX_LISTED_CHANGES:
                result.more_changes += 1
                continue
            if codes is None:
                codes = dict(OrgUnit.objects.filter(pk__in=village_ids).values_list("pk", "code"))
                names = dict(HouseholdCategory.objects.values_list("pk", "name"))
            fields = [
                {"key": k, "header": self.header_of(k), "old": str(o), "new": str(n)}
                for k, o, n in zip(keys, old, new, strict=True)
                if o != n
            ]
            if set(item[8]) != old_categories:
                fields.append(
                    {
                        "key": "categories",
                        "header": self.header_of("categories"),
                        "old": "、".join(sorted(names.get(c, "?") for c in old_categories)),
                        "new": "、".join(names.get(c, "?") for c in item[8]),
                    }
                )
            result.note_change(position, f"{codes.get(item[0], '')} / {item[1]} {old[0]}", fields)

    def _resolve_masked(self, result) -> None:
        """Replace masked cells by the stored values they stand for (rows locked, then checked)."""
        masked = {(item[0], item[1]) for item in result.plan if _masked(item)}
        if not masked:
            return
        stored = self._stored_personal(masked)
        plan = []
        for item in result.plan:
            if _masked(item):
                old = stored.get((item[0], item[1]))
                if not _masks_match(item, old):
                    # check()/revalidate() ran in this transaction with the rows locked.
                    raise RuntimeError("a masked cell no longer matches the stored value")
                old = old or ("", "", "", "")
                phone = old[0] if MASK_CHAR in item[5] else item[5]
                id_number = old[1] if MASK_CHAR in item[6] else item[6]
                # Masked numbers in free text stand for the stored ones; typed ones are kept.
                address, notes = unmask_text(item[4], old[2]), unmask_text(item[7], old[3])
                item = (*item[:4], address, phone, id_number, notes, *item[8:])
            plan.append(item)
        result.plan = plan

    def apply(self, result):
        self._resolve_masked(result)
        if connection.vendor == "postgresql":
            self._apply_postgresql(result)
        else:
            self._apply_orm(result)
        return {"created": result.creates, "updated": result.updates, "unchanged": result.unchanged}

    def _replace_categories(self, pairs: list[tuple[int, list[int]]]) -> None:
        through = Household.categories.through
        household_ids = [pk for pk, _c in pairs]
        through.objects.filter(household_id__in=household_ids).delete()
        through.objects.bulk_create(
            [through(household_id=pk, householdcategory_id=c) for pk, cats in pairs for c in cats],
            batch_size=BATCH_SIZE * 2,
        )

    def _apply_postgresql(self, result):
        """COPY the checked rows into a temporary table, then one INSERT … ON CONFLICT (village,
        number) DO UPDATE and one statement each to replace the category links. The ORM's
        per-object work (model init, per-field preparation) costs several times more at 100,000
        rows; COPY is PostgreSQL's bulk path."""
        table = Household._meta.db_table
        link_table = Household.categories.through._meta.db_table
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for v, n, h, m, a, p, i, notes, cats in result.plan:
            writer.writerow((v, n, h, m, a, p, i, notes, ",".join(map(str, cats))))
        buffer.seek(0)
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE outreach_household_import (village_id bigint, number text, head_name text,"
                " members_count smallint, address text, phone text, id_number text, notes text, categories text)"
                " ON COMMIT DROP"
            )
            cursor.cursor.copy_expert(
                "COPY outreach_household_import FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL"
                " (number, head_name, address, phone, id_number, notes, categories))",
                buffer,
            )
            cursor.execute(
                f"INSERT INTO {table} (village_id, number, head_name, members_count, address, phone, id_number,"  # noqa: S608
                " notes, created_at, updated_at, version) SELECT village_id, number, head_name, members_count,"
                " address, phone, id_number, notes, %s, %s, 0 FROM outreach_household_import"
                " ON CONFLICT (village_id, number) DO UPDATE"
                " SET head_name = EXCLUDED.head_name, members_count = EXCLUDED.members_count,"
                " address = EXCLUDED.address, phone = EXCLUDED.phone, id_number = EXCLUDED.id_number,"
                " notes = EXCLUDED.notes, updated_at = EXCLUDED.updated_at,"
                # A household written by an import is a new version: an edit form loaded before
                # it is refused as stale instead of silently undoing the import.
                f" version = {table}.version + 1, changed_at = EXCLUDED.updated_at, changed_by_id = %s",
                [now, now, getattr(self.user, "pk", None)],
            )
            joined = (
                f"FROM outreach_household_import t JOIN {table} h"  # noqa: S608
                " ON h.village_id = t.village_id AND h.number = t.number"
            )
            cursor.execute(f"DELETE FROM {link_table} WHERE household_id IN (SELECT h.id {joined})")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {link_table} (household_id, householdcategory_id)"  # noqa: S608
                f" SELECT h.id, unnest(string_to_array(t.categories, ','))::bigint {joined} WHERE t.categories <> ''"
            )
            cursor.execute("DROP TABLE outreach_household_import")

    def _apply_orm(self, result):
        now = timezone.now()
        fields = ["head_name", "members_count", "address", "phone", "id_number", "notes", "updated_at"]
        for start in range(0, len(result.plan), BATCH_SIZE):
            batch = result.plan[start : start + BATCH_SIZE]
            objs = [
                Household(
                    village_id=v,
                    number=n,
                    head_name=h,
                    members_count=m,
                    address=a,
                    phone=p,
                    id_number=i,
                    notes=notes,
                    created_at=now,
                    updated_at=now,
                )
                for v, n, h, m, a, p, i, notes, _c in batch
            ]
            Household.objects.bulk_create(
                objs, update_conflicts=True, unique_fields=["village", "number"], update_fields=fields
            )
            # Upserts return no ids on some backends: look them up by the natural key.
            ids = {
                (v, n): pk
                for v, n, pk in Household.objects.filter(
                    village_id__in={o.village_id for o in objs}, number__in={o.number for o in objs}
                ).values_list("village_id", "number", "pk")
            }
            # A household written by an import is a new version (see _apply_postgresql).
            written = [ids[(item[0], item[1])] for item in batch]
            Household.objects.filter(pk__in=written).update(
                version=F("version") + 1, changed_at=now, changed_by_id=getattr(self.user, "pk", None)
            )
            self._replace_categories([(ids[(item[0], item[1])], item[8]) for item in batch])


class CadreImporter(Importer):
    kind = "cadres"
    title = gettext_lazy("干部名册")
    columns = [
        Column("username", "用户名*", True, "zhangsan", kind=Kind.KEY, unique=True),
        Column("name", "姓名*", True, "张三"),
        Column("unit_code", "单位代码*", True, "371602001", kind=Kind.CODE),
        Column("title", "职务", False, "妇联干事"),
        Column("rank", "职级", False, "科员", choices=tuple(str(label) for label in Cadre.Rank.labels)),
        Column("is_leader", "领导干部", False, "否", choices=("是", "否")),
        Column("is_party_member", "党员", False, "是", choices=("是", "否")),
        Column("phone", "手机号", False, "13912345678", kind=Kind.PHONE),
    ]

    def prepare(self, sheet, index):
        self.units = {
            code: (pk, path, name) for pk, code, path, name in OrgUnit.objects.values_list("pk", "code", "path", "name")
        }
        self.ranks = {label: value for value, label in Cadre.Rank.choices} | {v: v for v in Cadre.Rank.values}
        usernames = {row[index["username"]] for row in sheet.rows if index["username"] < len(row)}
        User = get_user_model()
        self.users = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
        self.cadre_paths = dict(
            Cadre.objects.filter(user__username__in=usernames).values_list("user__username", "org_unit__path")
        )
        self.seen: dict[str, int] = {}
        # Phones of a masked export (138****5678) stand for the stored phone: read them locked
        # when writing, so the value kept is the value compared.
        phone_pos = index.get("phone")
        masked = {
            row[index["username"]]
            for row in sheet.rows
            if phone_pos is not None and phone_pos < len(row) and MASK_CHAR in row[phone_pos]
            if index["username"] < len(row)
        }
        stored = Cadre.objects.filter(user__username__in=masked)
        if masked and connection.in_atomic_block:
            stored = stored.select_for_update(of=("self",))
        self.stored_phones = dict(stored.values_list("user__username", "phone")) if masked else {}

    def _flag(self, row, key, values, result, default):
        text = values.get(key, "").strip().lower()
        if text == "":
            return default
        if text in _YES:
            return True
        if text in _NO:
            return False
        result.add(row, self.header_of(key), _("请填写“是”或“否”。"))
        return default

    def check_row(self, row, values, result):
        before = result.error_count
        username = values.get("username", "")
        if not username or len(username) > 150 or not re.fullmatch(r"[\w.@+-]+", username):
            result.add(
                row, self.header_of("username"), _("用户名不能为空，最长150个字符，只能包含字母、数字和 @ . + - _。")
            )
        else:
            first = self.seen.setdefault(username, row)
            if first != row:
                result.add(
                    row,
                    self.header_of("username"),
                    _("第 %(first)s 行和第 %(row)s 行的用户名都是“%(username)s”，同一文件中用户名不能重复。")
                    % {"first": first, "row": row, "username": username},
                )
            path = self.cadre_paths.get(username)
            if path is not None and not self.in_scope(path):
                result.add(row, self.header_of("username"), _("该用户名属于您管辖范围外的干部，不能在此修改。"))
            elif path is None and username in self.users and self.unit is not None:
                result.add(
                    row,
                    self.header_of("username"),
                    _("该用户名已被其他账号使用（不是您管辖范围内的干部），请换一个用户名。"),
                )
        name = values.get("name", "")
        if not name or len(name) > 50:
            result.add(row, self.header_of("name"), _("姓名不能为空且不超过50个字符。"))
        code = values.get("unit_code", "")
        unit_id = None
        if code not in self.units:
            result.add(
                row, self.header_of("unit_code"), _("单位代码“%(code)s”在系统中不存在，请核对。") % {"code": code}
            )
        elif not self.in_scope(self.units[code][1]):
            result.add(
                row,
                self.header_of("unit_code"),
                _("单位“%(name)s（%(code)s）”不在您的管辖范围内。") % {"name": self.units[code][2], "code": code},
            )
        else:
            unit_id = self.units[code][0]
        rank_text = values.get("rank", "") or Cadre.Rank.STAFF.label
        rank = self.ranks.get(rank_text)
        if rank is None:
            result.add(
                row,
                self.header_of("rank"),
                _("职级“%(rank)s”不存在，应为：%(ranks)s。")
                % {
                    "rank": rank_text,
                    "ranks": pgettext("list separator", "、").join(str(label) for label in Cadre.Rank.labels),
                },
            )
        phone = values.get("phone", "").replace(" ", "")
        if MASK_CHAR in phone:
            stored = self.stored_phones.get(username, "")
            if stored and mask_phone(stored) == phone:
                phone = stored
            elif not stored:
                result.add(
                    row,
                    self.header_of("phone"),
                    _("“%(value)s”是打码（含*）的号码，但系统中该干部没有可对照的已存号码，请填写完整号码。")
                    % {"value": phone},
                )
            else:
                result.add(
                    row,
                    self.header_of("phone"),
                    _("“%(value)s”是打码（含*）的号码，与系统中该干部已存的号码不一致；如需修改，请填写完整号码。")
                    % {"value": phone},
                )
        elif phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                result.add(row, self.header_of("phone"), _validation_reason(exc))
        is_leader = self._flag(row, "is_leader", values, result, False)
        is_party = self._flag(row, "is_party_member", values, result, True)
        title = values.get("title", "")[:100]
        if result.error_count == before:
            result.plan.append((username, name, unit_id, title, rank, is_leader, is_party, phone))

    def count_changes(self, result):
        existing = {
            username: tuple(rest)
            for username, *rest in Cadre.objects.filter(user__username__in=[i[0] for i in result.plan]).values_list(
                "user__username", "name", "org_unit_id", "title", "rank", "is_leader", "is_party_member", "phone"
            )
        }
        result.creates = sum(1 for item in result.plan if item[0] not in existing)
        result.unchanged = sum(1 for item in result.plan if existing.get(item[0]) == tuple(item[1:]))
        result.updates = len(result.plan) - result.creates - result.unchanged
        unit_codes = {pk: code for code, (pk, _path, _name) in self.units.items()}
        keys = ("name", "unit_code", "title", "rank", "is_leader", "is_party_member", "phone")

        def shown(key, value):
            if key == "unit_code":
                return unit_codes.get(value, "")
            if key == "rank":
                return str(Cadre.Rank(value).label) if value in Cadre.Rank.values else value
            if isinstance(value, bool):
                return _("是") if value else _("否")
            return str(value)

        for position, item in enumerate(result.plan):
            old = existing.get(item[0])
            if old is None or old == tuple(item[1:]):
                continue
            fields = [
                {"key": k, "header": self.header_of(k), "old": shown(k, o), "new": shown(k, n)}
                for k, o, n in zip(keys, old, item[1:], strict=True)
                if o != n
            ]
            result.note_change(position, f"{item[0]} {old[0]}", fields)

    def apply(self, result):
        User = get_user_model()
        new_users = [User(username=item[0]) for item in result.plan if item[0] not in self.users]
        for user in new_users:
            user.set_unusable_password()
        User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        user_ids = dict(User.objects.filter(username__in=[i[0] for i in result.plan]).values_list("username", "pk"))
        cadre_group = Group.objects.filter(name=GROUP_NAMES[CADRE]).first()
        if cadre_group is not None and new_users:
            through = User.groups.through
            through.objects.bulk_create(
                [through(user_id=user_ids[u.username], group_id=cadre_group.pk) for u in new_users],
                ignore_conflicts=True,
            )
        now = timezone.now()
        objs = [
            Cadre(
                user_id=user_ids[u],
                name=n,
                org_unit_id=unit,
                title=t,
                rank=r,
                is_leader=lead,
                is_party_member=party,
                phone=p,
                created_at=now,
                updated_at=now,
            )
            for u, n, unit, t, r, lead, party, p in result.plan
        ]
        Cadre.objects.bulk_create(
            objs,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["name", "org_unit", "title", "rank", "is_leader", "is_party_member", "phone", "updated_at"],
        )
        return {"created": result.creates, "updated": result.updates, "unchanged": result.unchanged}


def campaign_label(campaign) -> str:
    """A campaign as exports name it, unambiguous where titles repeat (every unit copies the plan):
    issuing unit · title · id. The pairing import reads it back (``PairingImporter``)."""
    unit = campaign.issuing_unit.name if campaign.issuing_unit_id else ""
    return f"{unit} · {campaign.title} · {campaign.pk}" if unit else f"{campaign.title} · {campaign.pk}"


_CAMPAIGN_ID = re.compile(r"[·・•]\s*(\d+)\s*$")


class PairingImporter(Importer):
    kind = "pairings"
    title = gettext_lazy("结对帮扶")
    columns = [
        Column("username", "干部用户名*", True, "zhangsan", kind=Kind.KEY),
        Column("village_code", "村/社区代码*", True, "371602001001", kind=Kind.CODE),
        Column("number", "户号*", True, "0001", kind=Kind.KEY),
        Column("member", "帮扶对象姓名", False, ""),
        Column("kind", "帮扶形式*", True, "结对帮扶", choices=tuple(str(label) for label in Pairing.Kind.labels)),
        Column("start_date", "开始日期*", True, "2026-04-01", kind=Kind.DATE),
        Column("end_date", "结束日期", False, "", kind=Kind.DATE),
        # As the pairings export names it (issuing unit · title · id); blank: the campaign chosen
        # on the import page.
        Column("campaign", "主题活动", False, "", width=40),
        # 否: an ended pairing (as the export lists them), matched with its start date.
        Column("is_active", "有效", False, "", choices=("是", "否")),
    ]

    def prepare(self, sheet, index):
        def col(key):
            pos = index.get(key)
            return {row[pos] for row in sheet.rows if pos is not None and pos < len(row)}

        self.cadres = {
            username: (pk, path)
            for username, pk, path in Cadre.objects.filter(user__username__in=col("username")).values_list(
                "user__username", "pk", "org_unit__path"
            )
        }
        self.villages = dict(OrgUnit.objects.filter(code__in=col("village_code")).values_list("code", "pk"))
        households = Household.objects.filter(village_id__in=self.villages.values(), number__in=col("number"))
        self.households = {
            (v, n): (pk, path)
            for v, n, pk, path in households.values_list("village_id", "number", "pk", "village__path")
        }
        self.members: dict[tuple[int, str], list[int]] = {}
        for hh, name, pk in HouseholdMember.objects.filter(household__in=households).values_list(
            "household_id", "name", "pk"
        ):
            self.members.setdefault((hh, name), []).append(pk)
        self.kinds = {label: value for value, label in Pairing.Kind.choices} | {v: v for v in Pairing.Kind.values}
        self.seen: dict[tuple, int] = {}
        self.campaigns: dict[int, str] = {}
        if "campaign" in index:
            # Any campaign the user sees, running or not: an export lists pairings of closed ones too.
            visible = campaign_choices_for_user(user=self.user, active_only=False).select_related("issuing_unit")
            self.campaigns = {campaign.pk: campaign_label(campaign) for campaign in visible}

    def _campaign(self, row, text, result) -> int | None:
        """The campaign a row names (issuing unit · title · id), else the one chosen on the page."""
        header = self.header_of("campaign")
        if not text:
            if self.campaign is None:
                result.add(row, header, _("请先选择主题活动，或在“主题活动”列写明（发文单位 · 标题 · 编号）。"))
                return None
            return self.campaign.pk
        found = _CAMPAIGN_ID.search(text)
        if found is None:
            titles = [pk for pk, label in self.campaigns.items() if label.split(" · ")[-2] == text.strip()]
            if len(titles) == 1:
                return titles[0]
            result.add(
                row,
                header,
                _("主题活动“%(text)s”无法确定是哪一个，请按导出文件的写法填写：发文单位 · 标题 · 编号。")
                % {"text": text},
            )
            return None
        pk = int(found.group(1))
        label = self.campaigns.get(pk)
        if label is None:
            result.add(row, header, _("编号为 %(pk)s 的主题活动不存在或不在您的范围内。") % {"pk": pk})
            return None
        if label.replace(" ", "") != text.replace(" ", "").replace("・", "·").replace("•", "·"):
            result.add(
                row,
                header,
                _("“%(text)s”与编号 %(pk)s 的主题活动“%(label)s”不一致，请核对。")
                % {"text": text, "pk": pk, "label": label},
            )
            return None
        return pk

    def check_row(self, row, values, result):
        before = result.error_count
        campaign_id = self._campaign(row, values.get("campaign", ""), result)
        if campaign_id is None:
            return
        username = values.get("username", "")
        cadre = self.cadres.get(username)
        if not username:
            result.add(row, self.header_of("username"), _("干部用户名不能为空。"))
        elif cadre is None:
            result.add(
                row, self.header_of("username"), _("干部用户名“%(u)s”不存在，请先导入干部名册。") % {"u": username}
            )
        elif not self.in_scope(cadre[1]):
            result.add(row, self.header_of("username"), _("干部“%(u)s”不在您的管辖范围内。") % {"u": username})
        code = values.get("village_code", "")
        number = values.get("number", "")
        household = None
        if code not in self.villages:
            result.add(
                row, self.header_of("village_code"), _("村/社区代码“%(code)s”在系统中不存在，请核对。") % {"code": code}
            )
        else:
            household = self.households.get((self.villages[code], number))
            if household is None:
                result.add(
                    row,
                    self.header_of("number"),
                    _("该村/社区没有户号为“%(n)s”的农户，请先导入农户名册。") % {"n": number},
                )
            elif not self.in_scope(household[1]):
                result.add(row, self.header_of("village_code"), _("该户不在您的管辖范围内。"))
        member_id = None
        member_name = values.get("member", "")
        if member_name and household is not None:
            found = self.members.get((household[0], member_name), [])
            if len(found) != 1:
                result.add(
                    row,
                    self.header_of("member"),
                    _("该户没有名为“%(n)s”的成员。") % {"n": member_name}
                    if not found
                    else _("该户有多名成员名为“%(n)s”，无法确定帮扶对象。") % {"n": member_name},
                )
            else:
                member_id = found[0]
        kind = self.kinds.get(values.get("kind", ""))
        if kind is None:
            result.add(
                row,
                self.header_of("kind"),
                _("帮扶形式应为：%(k)s。") % {"k": "、".join(str(label) for label in Pairing.Kind.labels)},
            )
        start_text = values.get("start_date", "")
        start = _parse_date(start_text)
        if not start_text:
            result.add(row, self.header_of("start_date"), _("开始日期不能为空。"))
        elif start is None:
            result.add(
                row,
                self.header_of("start_date"),
                _("开始日期“%(d)s”无法识别，请按 2026-04-01 的格式填写。") % {"d": start_text},
            )
        end = None
        if values.get("end_date"):
            end = _parse_date(values["end_date"])
            if end is None:
                result.add(
                    row,
                    self.header_of("end_date"),
                    _("结束日期“%(d)s”无法识别，请按 2026-12-31 的格式填写。") % {"d": values["end_date"]},
                )
            elif start is not None and end < start:
                result.add(row, self.header_of("end_date"), _("结束日期不能早于开始日期。"))
        active_text = values.get("is_active", "").strip().lower()
        if active_text not in _YES and active_text not in _NO:
            result.add(row, self.header_of("is_active"), _("请填写“是”或“否”。"))
        active = active_text in _YES or active_text == ""
        if result.error_count == before:
            key = (campaign_id, cadre[0], household[0], member_id, kind)
            first = self.seen.setdefault((*key, active or start), row)
            if first != row:
                result.add(
                    row,
                    self.header_of("username"),
                    _("第 %(first)s 行和第 %(row)s 行是同一干部、同一对象、同一帮扶形式的结对，重复了。")
                    % {"first": first, "row": row},
                )
                return
            result.plan.append((*key, start, end, active))

    def _existing(self, result):
        """Stored pairings the plan may mean: active ones by (campaign, cadre, household, member,
        kind), ended ones by that and their start date; each → (pk, start, end)."""
        cadre_ids = {item[1] for item in result.plan}
        campaign_ids = {item[0] for item in result.plan}
        rows = Pairing.objects.filter(campaign_id__in=campaign_ids, cadre_id__in=cadre_ids).values_list(
            "campaign_id", "cadre_id", "household_id", "member_id", "kind", "pk", "start_date", "end_date", "is_active"
        )
        found = {}
        for campaign, c, h, m, k, pk, start, end, active in rows:
            found[(campaign, c, h, m, k, True if active else start)] = (pk, start, end)
        return found

    @staticmethod
    def _key(item) -> tuple:
        campaign, cadre, household, member, kind, start, _end, active = item
        return (campaign, cadre, household, member, kind, True if active else start)

    def count_changes(self, result):
        existing = self._existing(result)
        result.creates = result.unchanged = result.updates = 0
        for position, item in enumerate(result.plan):
            old = existing.get(self._key(item))
            if old is None:
                result.creates += 1
                continue
            if old[1:] == tuple(item[5:7]):
                result.unchanged += 1
                continue
            result.updates += 1
            fields = [
                {"key": k, "header": self.header_of(k), "old": str(o or ""), "new": str(n or "")}
                for k, o, n in zip(("start_date", "end_date"), old[1:], item[5:7], strict=True)
                if o != n
            ]
            result.note_change(position, str(Pairing.Kind(item[4]).label), fields)

    def apply(self, result):
        existing = self._existing(result)
        now = timezone.now()
        new, changed = [], []
        for item in result.plan:
            campaign_id, cadre_id, household_id, member_id, kind, start, end, active = item
            pk = existing.get(self._key(item), (None,))[0]
            obj = Pairing(
                pk=pk,
                campaign_id=campaign_id,
                cadre_id=cadre_id,
                household_id=household_id,
                member_id=member_id,
                kind=kind,
                start_date=start,
                end_date=end,
                is_active=active,
                created_at=now,
                updated_at=now,
            )
            (changed if pk else new).append(obj)
        Pairing.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Pairing.objects.bulk_update(changed, ["start_date", "end_date", "updated_at"], batch_size=500)
        return {"created": len(new), "updated": result.updates, "unchanged": result.unchanged}


IMPORTERS: dict[str, type[Importer]] = {
    HouseholdImporter.kind: HouseholdImporter,
    CadreImporter.kind: CadreImporter,
    PairingImporter.kind: PairingImporter,
}


def run_import(importer: Importer, sheet: Sheet, *, progress=None) -> CheckResult:
    """Check every row; write all rows in one transaction only if none is bad."""
    result = importer.check(sheet, progress=progress)
    if result.ok:
        with transaction.atomic():
            importer.apply(result)
    return result
