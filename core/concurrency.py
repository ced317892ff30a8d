"""Nothing lost, nothing doubled: the one create-once step and the one lock-and-version step.

Create forms carry a submission token (``core.forms.SubmissionTokenMixin``) that the record keeps
in its ``idempotency_key`` column (``core.models.IdempotentModel``, unique): a replayed or doubled
post finds the record the first post made, and two posts racing each other meet at the unique
index, where the second waits for the first to commit and then finds its record.

Edit forms of shared records carry the ``version`` they were loaded at
(``core.models.VersionedModel``); ``lock_version`` locks the row and refuses a stale version with
``StaleEdit``, which says who saved the record last and when, so the page can show the second
saver what happened while keeping what they typed. ``stamp_version`` is the other half: every
write of a versioned record bumps the version and records who made it.
"""

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .templatetags.core_tags import person_name


def create_once(
    model: type[models.Model], key: uuid.UUID | None, create: Callable[[], models.Model], *, look_first: bool = True
):
    """Run ``create`` (which saves one ``model`` row carrying ``key``) unless ``key`` was used.

    Returns ``(record, created)``. A record already holding ``key`` is returned as it is, with
    ``created`` False. ``create`` runs in a savepoint: when a concurrent request wins the race on
    the key, everything ``create`` wrote is rolled back and the winner's record is returned. Any
    other IntegrityError (another unique rule) is raised for the caller to explain. Without a key
    it simply creates. Call it inside the caller's transaction, or as the transaction itself.

    ``look_first=False`` skips the lookup of the key before creating, for a hot path whose
    ``create`` writes the keyed row before anything else: a repeat is then answered by the
    unique index (the row's insert fails, the savepoint rolls back, the first record is read).
    """
    manager = model._default_manager
    if key is not None and look_first:
        existing = manager.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            record = create()
    except IntegrityError:
        if key is None:
            raise
        existing = manager.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    return record, True


class StaleEdit(ValidationError):
    """The record changed after the form was loaded; ``current`` is the record as saved now."""

    def __init__(self, current, message: str | None = None):
        self.current = current
        self.changed_by = getattr(current, "changed_by", None)
        self.changed_at = getattr(current, "changed_at", None) or getattr(current, "updated_at", None)
        super().__init__(message or stale_message(current), code="stale")


def stale_message(current) -> str:
    """ "张三于 2026-12-07 16:40 修改了这条记录…": the one sentence a stale save is refused with."""
    who = person_name(getattr(current, "changed_by", None))
    when = getattr(current, "changed_at", None) or getattr(current, "updated_at", None)
    when_text = formats.date_format(timezone.localtime(when), "Y-m-d H:i") if when else ""
    if who and when_text:
        return _("在您填写期间，%(who)s 于 %(when)s 修改了这条记录，您的修改尚未保存。") % {
            "who": who,
            "when": when_text,
        }
    return _("在您填写期间，这条记录已被他人修改，您的修改尚未保存。")


def lock_version(queryset: models.QuerySet, *, pk, expected_version: int | None):
    """Lock the row ``pk`` for this transaction and check the version the form was loaded at.

    ``expected_version`` None skips the check (imports, scripts, forms posted without one).
    Raises StaleEdit when someone saved a newer version. Call inside ``transaction.atomic``.
    """
    locked = queryset.select_for_update(of=("self",)).select_related("changed_by__cadre").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(locked)
    return locked


def stamp_version(record, *, actor, created: bool = False) -> list[str]:
    """Mark a write of a versioned record: a new version, made by ``actor``, now.

    A record being ``created`` keeps version 0 and only records who made it and when. Returns
    the names of the stamped fields (for ``save(update_fields=...)``).
    """
    if not created:
        record.version += 1
    record.changed_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    record.changed_at = timezone.now()
    return ["version", "changed_by", "changed_at"]
