"""The one masking module: ID and phone numbers on screens and in exports (DESIGN: personal data).

Everything that shows or writes personal numbers goes through here: structured fields
(``mask_phone``, ``mask_id_number``), free text (``mask_text``: numbers typed into a visit's
了解情况, a demand's description, a household's notes …), exports (``export_text``) and public
text (``validate_public_text``: refused when it holds a number, whatever its spelling).

A number is recognised in any spelling people type: spaces, dashes, dots or brackets between the
digits (``138 0013 8000``, ``138-0013-8000``, ``(0543)3161234``), full-width digits
(``１３８００１３８０００``), a ``+86`` / ``0086`` prefix, an ID number ending in X or x. Any run of
7 or more digits counts as personal (a landline without its area code has 7); a date written with
separators (``2026-03-15``, ``2026.3.1-6.30``) does not.

Masks keep just enough to tell numbers apart: 138****8000 (mobile), 3701**********123X (ID),
*****34 (short landline). Users with ``outreach.view_personal_data`` see the same masks and may
reveal one record at a time; the reveal is an audit event (see ``register_free_text``).

Core is the bottom layer: the permission is named by its string, apps register their fields here.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PERSONAL_DATA_PERM = "outreach.view_personal_data"
MASK_CHAR = "*"


def can_view_personal_data(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(PERSONAL_DATA_PERM))


# ---- Recognising numbers ---------------------------------------------------------------------

_DIGIT = r"[0-9\uff10-\uff19]"
# What people put between digits: spaces (incl. the ideographic space and NBSP), dashes of every
# width, dots, middle dots, brackets around an area code, slashes are NOT (they write dates).
_SEP = r"[ \t\u00a0\u3000\-\u2010-\u2015\u2212\uff0d.\uff0e\u00b7\u30fb()\uff08\uff09]"
_PREFIX = r"(?:[+\uff0b]\s*(?:8|\uff18)(?:6|\uff16)" + _SEP + r"*)?"
# A digit run: digits with at most a few separators between two digits, an optional final X.
_RUN = re.compile(
    r"(?<![0-9\uff10-\uff19])"
    + _PREFIX
    + _DIGIT
    + r"(?:"
    + _SEP
    + r"{0,3}"
    + _DIGIT
    + r")*(?:[Xx\uff38\uff58](?![A-Za-z]))?"
)
MIN_DIGITS = 7


def _is_dates(groups: list[str]) -> bool:
    """Whether digit groups read as dates: 2026-03-15, 2026.3.1-2026.6.30, 2026.3.1-6.30, 2026-03-15 10."""
    i, full = 0, False
    while i < len(groups):
        rest = groups[i:]
        if (
            len(rest) >= 3
            and len(rest[0]) == 4
            and rest[0][:2] in ("19", "20")
            and len(rest[1]) <= 2
            and 1 <= int(rest[1]) <= 12
            and len(rest[2]) <= 2
            and 1 <= int(rest[2]) <= 31
        ):
            i, full = i + 3, True
        elif full and len(rest) >= 2 and len(rest[0]) <= 2 and len(rest[1]) <= 2 and 1 <= int(rest[0]) <= 12:
            i += 2  # the end of a range, month and day: 2026.3.1-6.30
        elif full and len(rest) == 1 and len(rest[0]) <= 2:
            i += 1  # an hour after the date: 2026-03-15 10:30
        else:
            return False
    return full


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class _Number:
    kind: str  # "mobile", "id", "phone"
    digits: str  # ASCII digits (and a final X for an ID), country prefix removed


def _classify(spelled: str) -> _Number | None:
    """What a matched run is, or None when it is not a personal number (too short, a date)."""
    plain = _ascii(spelled).strip()
    if _is_dates(re.findall(r"[0-9]+", plain)):
        return None
    has_plus = plain.startswith("+")
    body = re.sub(r"[^0-9Xx]", "", plain).upper()
    digits = body.rstrip("X")
    if len(digits) < MIN_DIGITS:
        return None
    if has_plus and body.startswith("86"):
        body = body[2:]
    elif body.startswith("0086") and len(body) >= 15:
        body = body[4:]
    elif body.startswith("86") and len(body) == 13 and body[2] == "1":
        body = body[2:]
    if (len(body) == 18 and body[:17].isdigit()) or (len(body) == 15 and body.isdigit()):
        return _Number("id", body)
    if body.endswith("X"):
        # An X after digits that are not an ID: mask the digits, keep nothing of the X.
        body = body.rstrip("X")
    if len(body) == 11 and body.startswith("1"):
        return _Number("mobile", body)
    return _Number("phone", body)


def _mask_digits(number: _Number) -> str:
    value = number.digits
    n = len(value)
    if number.kind == "id":
        return value[:4] + MASK_CHAR * (n - 8) + value[-4:]
    if n >= 11:
        return value[:3] + MASK_CHAR * (n - 7) + value[-4:]
    if n >= MIN_DIGITS:
        return MASK_CHAR * (n - 2) + value[-2:]
    return MASK_CHAR * n


def find_personal_numbers(text: str) -> list[str]:
    """The personal numbers in ``text`` as spelled there (for refusals and tests)."""
    return [m.group(0) for m in _RUN.finditer(text or "") if _classify(m.group(0)) is not None]


def contains_personal_number(text: str) -> bool:
    return any(_classify(m.group(0)) is not None for m in _RUN.finditer(text or ""))


def mask_text(text) -> str:
    """``text`` with every personal number replaced by its mask (138 0013 8000 → 138****8000)."""
    if not text:
        return "" if text is None else text
    text = str(text)

    def _sub(match):
        number = _classify(match.group(0))
        return match.group(0) if number is None else _mask_digits(number)

    return _RUN.sub(_sub, text)


def unmask_text(submitted, original) -> str:
    """``submitted`` with each mask of a number of ``original`` left as it was put back to that number.

    A user without the permission edits free text shown masked (``mask_free_text_in_form``); what
    they did not touch must keep the stored numbers, what they typed is kept as typed.
    """
    if not submitted or not original:
        return submitted
    for match in _RUN.finditer(original):
        number = _classify(match.group(0))
        if number is not None:
            submitted = submitted.replace(_mask_digits(number), match.group(0), 1)
    return submitted


# ---- Structured fields ------------------------------------------------------------------------


def mask_phone(value) -> str:
    """A stored phone number, masked: 138****5678; 0543-3161234 → 054****1234; 3161234 → *****34."""
    value = (value or "").strip()
    if not value:
        return ""
    digits = re.sub(r"[^0-9]", "", _ascii(value))
    if len(digits) < MIN_DIGITS:
        return MASK_CHAR * len(value)
    number = _classify(value) or _Number("phone", digits)
    if number.kind == "id":  # a phone field never holds an ID; mask it as the phone it claims to be
        number = _Number("phone", digits)
    return _mask_digits(number)


def mask_id_number(value) -> str:
    """A stored ID number, masked: region prefix (4) and last four kept, birth date hidden."""
    value = _ascii((value or "").strip()).upper()
    if not value:
        return ""
    if len(value) <= 8:
        return MASK_CHAR * len(value)
    return value[:4] + MASK_CHAR * (len(value) - 8) + value[-4:]


MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


# ---- Exports ---------------------------------------------------------------------------------


def export_text(value):
    """A value for an export cell: text masked (exports leave the system: masked for everyone)."""
    if isinstance(value, str):
        return mask_text(value)
    return value


# ---- Public text ------------------------------------------------------------------------------


def validate_public_text(value) -> None:
    """Refuse text the public will read when it holds a phone or ID number in any spelling."""
    if isinstance(value, str) and contains_personal_number(value):
        raise ValidationError(
            _("将向群众公开的内容不能包含手机号、电话或身份证号（含加空格、横线等写法）。"),
            code="personal_number",
        )


# ---- Free-text fields of the apps -------------------------------------------------------------


@dataclass(frozen=True)
class FreeTextModel:
    """A model whose free-text ``fields`` may hold numbers people said; revealed one at a time."""

    model: type
    fields: tuple[str, ...]
    reveal_action: str  # the audit code of a reveal, e.g. ``ledgers.visit_reveal_text``

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_FREE_TEXT: dict[str, FreeTextModel] = {}


def register_free_text(model, fields, *, reveal_action: str) -> None:
    """Declare ``fields`` of ``model`` as free text (called from the app's ``ready``)."""
    entry = FreeTextModel(model=model, fields=tuple(fields), reveal_action=reveal_action)
    _FREE_TEXT[entry.label] = entry


def free_text_models() -> list[FreeTextModel]:
    return list(_FREE_TEXT.values())


def free_text_entry(label: str) -> FreeTextModel | None:
    return _FREE_TEXT.get(label)


def free_text_reveal(*, actor, obj, field: str) -> str:
    """The unmasked text of ``field`` of ``obj``; an audit event records who read it.

    The caller has found ``obj`` through the scoping helper (404 outside the user's subtree).
    Raises PermissionDenied without the personal-data permission, ValueError for a field that
    is not registered as free text.
    """
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from .audit import audit_record

    entry = free_text_entry(obj._meta.label_lower)
    if entry is None or field not in entry.fields:
        raise ValueError(field)
    if not can_view_personal_data(actor):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(action=entry.reveal_action, actor=actor, obj=obj, detail={"field": field})
    return getattr(obj, field) or ""


def mask_free_text_in_form(form, *, user, instance) -> None:
    """Edit forms: without the permission, free-text fields of ``instance`` are shown masked.

    Call at the end of the form's ``__init__``. The stored numbers never reach the page, not even
    as input values; masks the user leaves as they were are put back to the stored numbers when
    the form is cleaned (``unmask_text``), so saving does not overwrite them with stars.
    """
    if instance is None or instance.pk is None or can_view_personal_data(user):
        return
    entry = free_text_entry(instance._meta.label_lower)
    if entry is None:
        return
    for name in entry.fields:
        field = form.fields.get(name)
        original = getattr(instance, name, "") or ""
        if field is None or not contains_personal_number(original):
            continue
        form.initial[name] = mask_text(original)
        keep_masked_numbers(field, original)


def keep_masked_numbers(field, original: str) -> None:
    """Make ``field`` put back the numbers of ``original`` whose masks the user left as they were."""
    clean = field.clean
    field.clean = lambda value: clean(unmask_text(value, original))
