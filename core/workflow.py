"""The one shape of a state machine: a transition table, one lock step, one finish step, one refusal.

A model with a lifecycle (a demand, a pledge, a campaign, an import job) declares a ``Workflow``:
each action names the states it starts from, the state it ends in (None when the service decides,
say "back to work or back to received"), the permission it needs, its audit code and label, and
optionally a guard (a further rule, returning the refusal message or None). Services do the work
of an action in three steps, all inside one transaction:

1. ``lock``: the row is locked (``select_for_update``) and, for a versioned record, the version
   the user's page showed must still be current (``core.concurrency.lock_version``); then the
   record must be in one of the action's source states.
2. the service changes the fields the action changes (its own rules in between);
3. ``finish``: the version is stamped, the row saved, the model's history row written where it
   has one (``history``), the model's after-save hook run (reminders follow), and the audit event
   written under the action's code.

Pages ask the same table what to offer (``available``) and call the service registered for the
action (``perform``), so a page has no if-chain of its own. Unattended runs (an import worker)
take a record with ``claim``, a compare-and-set of the state instead of a version.

Every refusal is one exception, ``TransitionRefused``: a ``ValidationError`` whose message is
Chinese and meant for the user. Forms show it as a form error; the admin shows it on the change
page (``core.admin.RefusalAsFormErrorMixin``). A missing permission stays ``PermissionDenied``
(a 403) where the workflow says so: that is not a rule the user can satisfy by retyping.
"""

from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .audit import audit_record
from .concurrency import StaleEdit, lock_version, stamp_version
from .models import VersionedModel


class TransitionRefused(ValidationError):
    """A refused write: the record, the state or the input does not allow it. ``str()`` is the message."""

    def __init__(self, message, code: str = "refused", params=None):
        super().__init__(message, code=code, params=params)

    def __str__(self):
        return " ".join(self.messages)


class WrongState(TransitionRefused):
    """The record is not in a state the action starts from (someone moved it on, or never could)."""

    def __init__(self, message):
        super().__init__(message, code="state")


class StaleRecord(TransitionRefused):
    """The page acted on an older version of the record; ``current`` is the record as saved now."""

    def __init__(self, message, *, current=None):
        self.current = current
        super().__init__(message, code="stale")


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table."""

    sources: frozenset
    target: str | None
    _: KW_ONLY
    permission: str | None
    audit_action: str
    label: str = ""
    # A further rule: guard(record, user, **context) returns the refusal message, or None.
    guard: Callable[..., str | None] | None = None
    # The refusal when the user lacks ``permission`` (else the workflow's ``forbidden``).
    forbidden: str | None = None
    # This step's own wording of the wrong-state refusal (else the workflow's ``wrong_state``),
    # called like it: wrong_state(state=, action=, target=).
    wrong_state: Callable[..., str] | None = None

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


# Every declared workflow, for checks that walk them all (audit codes, tests).
WORKFLOWS: list["Workflow"] = []


def _wrong_state(*, state, action, target) -> str:
    return _("当前状态为“%(state)s”，不能执行“%(action)s”。") % {"state": state, "action": action}


@dataclass
class Workflow:
    """A model's transition table and the steps every transition of it goes through.

    ``wrong_state(state=, action=, target=)`` words the refusal when the record is not in a
    source state, from the labels of its state, the action and the action's target state
    (by default "当前状态为…，不能执行…"). ``stale`` prefixes the stale-version sentence of ``core.concurrency``.
    ``forbidden`` is the default message for a missing permission; ``forbidden_raises`` says whether
    that is a ``PermissionDenied`` (a 403: the user has no business here) or a ``TransitionRefused``
    (shown on the page). ``history(record, *, actor, action, from_state, note)`` writes the
    model's history row; ``after_save(record)`` runs after every save (reminders follow the record).
    """

    model: type[models.Model]
    transitions: dict[str, Transition]
    wrong_state: Callable[..., str] = _wrong_state
    state_field: str = "status"
    stale: str = ""
    forbidden: str = ""
    forbidden_raises: type[Exception] = PermissionDenied
    history: Callable[..., object] | None = None
    after_save: Callable[[models.Model], object] | None = None
    lock_related: tuple[str, ...] = ()
    # Whether the audit detail carries the version the record was saved at.
    audit_version: bool = False
    services: dict[str, Callable] = field(default_factory=dict)

    def __post_init__(self):
        WORKFLOWS.append(self)

    # --- the table -----------------------------------------------------------------------

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def labels(self) -> dict:
        return {name: transition.label for name, transition in self.transitions.items()}

    def state_of(self, record) -> str:
        return getattr(record, self.state_field)

    def state_label(self, value) -> str:
        choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(value, value))

    def action_to(self, target: str) -> str | None:
        """The action that ends in ``target``, for tables with one action per target state."""
        for name, transition in self.transitions.items():
            if transition.target == target:
                return name
        return None

    # --- checks (no writes) --------------------------------------------------------------

    def permission_refusal(self, user, action: str) -> str | None:
        transition = self.transitions[action]
        if transition.permission and not user.has_perm(transition.permission):
            return str(transition.forbidden or self.forbidden)
        return None

    def state_refusal(self, record, action: str) -> str | None:
        transition = self.transitions[action]
        state = self.state_of(record)
        if state in transition.sources:
            return None
        wording = transition.wrong_state or self.wrong_state
        return wording(
            state=self.state_label(state),
            action=transition.label,
            target=self.state_label(transition.target) if transition.target else "",
        )

    def check_state(self, record, action: str) -> None:
        """Raise WrongState unless ``record`` is in a state ``action`` starts from."""
        reason = self.state_refusal(record, action)
        if reason is not None:
            raise WrongState(reason)

    def refusal(self, record, user, action: str, **context) -> str | None:
        """Why ``user`` may not take ``action`` on ``record`` now (the message), or None."""
        transition = self.transitions[action]
        reason = self.permission_refusal(user, action) or self.state_refusal(record, action)
        if reason is None and transition.guard is not None:
            reason = transition.guard(record, user, **context)
        return reason

    def available(self, record, user, **context) -> list[str]:
        """The actions ``user`` may take on ``record`` now, in table order (for buttons)."""
        return [name for name in self.transitions if self.refusal(record, user, name, **context) is None]

    def require_permission(self, user, action: str) -> None:
        reason = self.permission_refusal(user, action)
        if reason is not None:
            raise self.forbidden_raises(reason)

    # --- the steps -----------------------------------------------------------------------

    def lock(self, record, action: str | None = None, *, expected_version: int | None = None):
        """Lock ``record``'s row for this transaction and return it fresh from the database.

        A versioned record must still be at ``expected_version`` (None skips the check), else
        StaleRecord. With an ``action``, the record must be in one of its source states, else
        WrongState. Call inside ``transaction.atomic``.
        """
        queryset = self.model._default_manager.all()
        if self.lock_related:
            queryset = queryset.select_related(*self.lock_related)
        if issubclass(self.model, VersionedModel):
            try:
                locked = lock_version(queryset, pk=record.pk, expected_version=expected_version)
            except StaleEdit as exc:
                raise StaleRecord(str(self.stale) + exc.messages[0], current=exc.current) from exc
        else:
            locked = queryset.select_for_update(of=("self",)).get(pk=record.pk)
        if action is not None:
            self.check_state(locked, action)
        return locked

    def finish(
        self,
        record,
        *,
        actor,
        action: str,
        from_state: str,
        note: str = "",
        detail: dict | None = None,
        update_fields: Iterable[str] | None = None,
    ):
        """Save ``record`` after ``action``: version stamp, history row, after-save hook, audit.

        The audit detail is ``{"from": ..., "to": ..., "version": ... (if ``audit_version``), **detail}``.
        """
        stamped = stamp_version(record, actor=actor) if isinstance(record, VersionedModel) else []
        if update_fields is None:
            record.save()
        else:
            record.save(update_fields=[*update_fields, *stamped])
        if self.after_save is not None:
            self.after_save(record)
        if self.history is not None:
            self.history(record, actor=actor, action=action, from_state=from_state, note=note)
        audit_record(
            action=self.transitions[action].audit_action,
            actor=actor,
            obj=record,
            detail={
                "from": from_state,
                "to": self.state_of(record),
                **({"version": record.version} if self.audit_version else {}),
                **(detail or {}),
            },
        )
        return record

    def claim(self, pk, action: str, **fields) -> bool:
        """Compare-and-set for unattended runs: move row ``pk`` from a source state of ``action``
        to its target (setting ``fields`` too) if it is in one now. Returns whether it was taken."""
        transition = self.transitions[action]
        return (
            self.model._default_manager.filter(pk=pk, **{f"{self.state_field}__in": transition.sources}).update(
                **{self.state_field: transition.target}, **fields
            )
            == 1
        )

    # --- services ------------------------------------------------------------------------

    def service(self, *actions: str):
        """Register the decorated function as the service that performs ``actions``."""

        def register(function):
            for action in actions:
                if action not in self.transitions:
                    raise KeyError(action)
                self.services[action] = function
            return function

        return register

    def perform(self, action: str, **kwargs):
        """Call the service registered for ``action`` with ``kwargs`` (a page's one call)."""
        return self.services[action](**kwargs)
