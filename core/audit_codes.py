"""The audit code registry: which action codes may be written, what each means, how the page groups them.

Each app declares its codes in ``<app>/audit.py`` as one ``TextChoices`` (the value is the code
stored in ``AuditEvent.action``, the label its Chinese meaning) with the families the audit
page's filter offers, and registers them from its ``AppConfig.ready()``::

    class LedgersAudit(models.TextChoices):
        VISIT_RECORD = "ledgers.visit_record", _("登记走访")

    FAMILIES = (AuditFamily("ledgers.visit_", _("走访"), group="visits"),)

    register_audit_codes(LedgersAudit, families=FAMILIES)      # in LedgersConfig.ready()

``core.audit.audit_record`` refuses a code nobody registered, so every stored code has a label.
A code that is no longer written (renamed, its feature gone) but sits in stored rows stays
registered with ``legacy=True``: the page still labels and filters it, and nothing writes it again.
Core owns only the headings of the page (``GROUPS``); apps place their families under them.
"""

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The headings of the audit page's action filter, in the order shown.
GROUPS = (
    ("account", _("账号与登录")),
    ("campaigns", _("主题活动")),
    ("people", _("群众与结对")),
    ("visits", _("走访与诉求")),
    ("pledges", _("承诺办实事")),
    ("reminders", _("提醒")),
)
_GROUP_KEYS = [key for key, _label in GROUPS]


@dataclass(frozen=True)
class AuditFamily:
    """Codes that start with ``prefix``: what the filter offers as "all of ...", under heading ``group``."""

    prefix: str
    label: Promise
    group: str


@dataclass(frozen=True)
class ActionGroup:
    """One heading of the audit page's action filter with the families apps placed under it."""

    key: str
    label: Promise
    families: tuple[AuditFamily, ...]

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(family.prefix for family in self.families)

    def holds(self, code: str) -> bool:
        return bool(self.prefixes) and code.startswith(self.prefixes)


@dataclass(frozen=True)
class AuditCode:
    code: str
    label: Promise
    legacy: bool
    declared_by: str  # the TextChoices, for the error that names a clash


_CODES: dict[str, AuditCode] = {}
_FAMILIES: list[AuditFamily] = []


def register_audit_codes(
    choices: type[TextChoices], *, families: tuple[AuditFamily, ...] = (), legacy: bool = False
) -> None:
    """Declare ``choices`` (code → Chinese label) and the filter families they fall in.

    ``legacy=True``: codes only stored rows hold; labelled and filtered, refused by audit_record.
    Raises ValueError for a code two apps declare, or a family under an unknown heading.
    """
    declared_by = f"{choices.__module__}.{choices.__qualname__}"
    for family in families:
        if family.group not in _GROUP_KEYS:
            raise ValueError(f"audit family {family.prefix!r}: no heading {family.group!r} in core.audit_codes.GROUPS")
        if family not in _FAMILIES:
            _FAMILIES.append(family)
    for member in choices:
        known = _CODES.get(member.value)
        if known is not None and known.declared_by != declared_by:
            raise ValueError(f"audit code {member.value!r} is declared by {known.declared_by} and {declared_by}")
        _CODES[member.value] = AuditCode(member.value, member.label, legacy, declared_by)


def check_writable(code: str) -> None:
    """Raise ValueError unless ``code`` is a registered code that is still written."""
    known = _CODES.get(code)
    if known is None:
        raise ValueError(f"audit code {code!r} is not declared: add it to its app's audit codes (<app>/audit.py)")
    if known.legacy:
        raise ValueError(f"audit code {code!r} is kept for stored rows only (legacy): write its new code")


def registered_codes(*, legacy: bool | None = None) -> list[str]:
    """The registered codes in registration order; ``legacy`` True/False keeps only those."""
    return [code for code, known in _CODES.items() if legacy is None or known.legacy is legacy]


def action_labels() -> dict[str, Promise]:
    """Every registered code (legacy ones too) → its lazy Chinese label, in registration order."""
    return {code: known.label for code, known in _CODES.items()}


def action_label(code: str) -> str:
    """The Chinese label of an audit action code; a code nobody registered is shown as it is."""
    known = _CODES.get(code)
    return str(known.label) if known is not None else code


def action_groups() -> list[ActionGroup]:
    """The filter's headings, each with the families registered under it (in registration order)."""
    return [
        ActionGroup(key, label, tuple(family for family in _FAMILIES if family.group == key)) for key, label in GROUPS
    ]


def action_group(code: str) -> ActionGroup | None:
    """The heading ``code`` is filed under: the first whose families' prefixes it starts with."""
    return next((group for group in action_groups() if group.holds(code)), None)


def action_group_by_key(key: str) -> ActionGroup | None:
    return next((group for group in action_groups() if group.key == key), None)


def grouped_action_codes() -> list[tuple[ActionGroup, list[str]]]:
    """The registered codes under their headings; every heading, even an empty one."""
    groups = action_groups()
    codes = list(_CODES)
    position = {code: index for index, code in enumerate(codes)}
    home = {code: next((group.key for group in groups if group.holds(code)), None) for code in codes}
    grouped = []
    for group in groups:
        mine = [code for code in codes if home[code] == group.key]
        # Family by family (all demand steps together), registration order within a family.
        family_of = {code: next(i for i, p in enumerate(group.prefixes) if code.startswith(p)) for code in mine}
        grouped.append((group, sorted(mine, key=lambda code: (family_of[code], position[code]))))
    return grouped
