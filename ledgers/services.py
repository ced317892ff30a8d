"""Writes for visits, and demands raised at visits, forums and reception days. Demand state changes
live in ``demand_flow``; forums and reception days themselves are written by ``outreach.services``."""

import datetime
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import dates
from core.audit import apply_field_changes, audit_record
from core.concurrency import create_once, lock_version, stamp_version
from core.masking import can_view_personal_data
from core.roles import DATA_ENTRY, OFFICE_ADMIN, user_has_role
from core.scoping import require_unit_visible, sees_everything, user_can_see_unit
from outreach.models import Forum, ReceptionDay
from outreach.services import household_reveal_personal

from .date_rules import validate_visit_date
from .demand_flow import demand_raise
from .models import Demand, HelpGiven, Visit, VisitPhoto


@dataclass
class DemandDraft:
    """A demand raised inline from a visit, a forum or a reception day."""

    category: object
    title: str
    description: str = ""
    person_name: str = ""
    person_phone: str = ""
    household: object = None


VISIT_RELATED_FIELDS = ("cadre", "household", "member", "campaign", "recorded_by", "changed_by")


class VisitRecorded(NamedTuple):
    visit: Visit
    created: bool
    demand: Demand | None  # the demand this call raised (None when it raised none or created nothing)


def visit_record(
    *,
    actor,
    cadre,
    household,
    visited_on: datetime.date,
    method: str,
    ledger_book: str,
    learned: str,
    needs: str = "",
    member=None,
    campaign=None,
    help_items: list[dict] | tuple = (),
    photos: list | tuple = (),
    demand: DemandDraft | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> VisitRecorded:
    """Record one visit with its help, photos and an optional demand; returns (visit, created, demand).

    A double-submitted form carries the same ``idempotency_key``: the second call returns the
    first visit and creates nothing. Writes an audit event (and the demand's own events), all in
    one transaction: create_once's (the outermost when called from a page; no decorator, which
    would only add a savepoint round trip to every visit). ``cadre``, ``household``, ``member``
    and ``campaign`` are instances the caller loaded (in scope); the database's foreign keys and
    check constraints hold what full_clean would re-read. Raises ValidationError for a date
    outside validate_visit_date or a member of another household.
    """
    if not actor.has_perm("ledgers.add_visit"):
        raise PermissionDenied(_("您没有录入走访记录的权限。"))
    validate_visit_date(visited_on, campaign=campaign)
    if member is not None and member.household_id != household.pk:
        raise ValidationError(_("走访对象不是该户的家庭成员。"))
    _check_photo_total(len(photos))
    raised = None

    def create():
        nonlocal raised
        visit = Visit(
            cadre=cadre,
            household=household,
            member=member,
            visited_on=visited_on,
            method=method,
            ledger_book=ledger_book,
            campaign=campaign,
            learned=learned,
            needs=needs,
            recorded_by=actor,
            idempotency_key=idempotency_key,
        )
        stamp_version(visit, actor=actor, created=True)
        # Field values and choices are checked here; the related rows were loaded by the caller
        # and the two check constraints mirror the choices, so no SELECT per foreign key and no
        # savepoint per constraint (they were 16 of a visit's 28 queries).
        visit.full_clean(exclude=["idempotency_key", *VISIT_RELATED_FIELDS], validate_constraints=False)
        # The first write: a repeated or concurrent post of the same form stops here (the key's
        # unique index) before any photo is stored.
        visit.save()
        helps = _help_objects(visit, help_items)
        HelpGiven.objects.bulk_create(helps)
        for record in _photo_objects(visit, photos):
            record.save()
        if demand is not None:
            raised = demand_raise(
                actor=actor,
                unit=household.village,
                category=demand.category,
                title=demand.title,
                description=demand.description,
                source=Demand.Source.VISIT,
                household=household,
                member=member,
                visit=visit,
                campaign=campaign,
                received_on=visited_on,
                received_by=cadre,
            )
        audit_record(
            action="ledgers.visit_record",
            actor=actor,
            obj=visit,
            detail={
                "household": household.pk,
                "help": len(helps),
                "photos": len(photos),
                "demand": raised.pk if raised else None,
            },
        )
        return visit

    visit, created = create_once(Visit, idempotency_key, create, look_first=False)
    # A lost race rolled back what this call wrote, its demand included.
    return VisitRecorded(visit, created, raised if created else None)


# What a correction may change. The household stays: a visit to the wrong household is deleted
# and entered again, so it never silently moves between villages (and scopes).
VISIT_EDITABLE_FIELDS = ("member", "cadre", "visited_on", "method", "ledger_book", "campaign", "learned", "needs")
MAX_HELP_ITEMS = 8


def visit_can_change(*, user, visit: Visit) -> bool:
    """Whether ``user`` may correct or delete ``visit`` (no queries beyond the user's roles).

    The visit's own cadre, or the office's data-entry staff and office admins, within their
    subtree; leaders and auditors read only. Visibility itself (404) is the caller's check.
    """
    if user is None or not user.is_authenticated:
        return False
    if sees_everything(user):
        return True
    if not user.has_perm("ledgers.change_visit") or not user_can_see_unit(user, visit.household.village):
        return False
    if visit.cadre.user_id == user.pk:
        return True
    return user_has_role(user, DATA_ENTRY, OFFICE_ADMIN)


def _lock_visit(*, actor, visit: Visit, expected_version: int | None) -> Visit:
    if not visit_can_change(user=actor, visit=visit):
        raise PermissionDenied(_("您不能修改这条走访记录：只有走访干部本人或本单位录入人员可以修改。"))
    # The one lock-and-version step; it locks the visit only, not the rows joined for the checks.
    return lock_version(
        Visit.objects.select_related("household__village", "cadre"), pk=visit.pk, expected_version=expected_version
    )


# The offices' small disks: a visit keeps at most this many photos, at entry and after corrections.
MAX_VISIT_PHOTOS = 6


def _check_photo_total(total: int) -> None:
    if total > MAX_VISIT_PHOTOS:
        raise ValidationError(
            _("每条走访记录最多保留 %(n)s 张照片，请先删除一些再添加。") % {"n": MAX_VISIT_PHOTOS}, code="photo_total"
        )


def _photo_objects(visit: Visit, photos) -> list[VisitPhoto]:
    """Unsaved, validated photo rows (type, size and content limits of ``validate_photo``)."""
    records = [VisitPhoto(visit=visit, image=photo) for photo in photos]
    for record in records:
        record.full_clean(exclude=["visit"])
    return records


def _help_objects(visit: Visit, help_items) -> list[HelpGiven]:
    if len(help_items) > MAX_HELP_ITEMS:
        raise ValidationError(_("每次走访最多登记 %(n)s 项帮扶措施。") % {"n": MAX_HELP_ITEMS})
    helps = [HelpGiven(visit=visit, **item) for item in help_items]
    for item in helps:
        # The kind's choices and the amount's validator say what the two check constraints say:
        # no savepoint and SELECT per constraint and item.
        item.full_clean(exclude=["visit"], validate_constraints=False)
    return helps


@transaction.atomic
def visit_update(
    *,
    actor,
    visit: Visit,
    fields: dict,
    help_items: list[dict] | None = None,
    expected_version: int | None = None,
    add_photos: list | tuple = (),
    remove_photo_ids: list | tuple = (),
) -> Visit:
    """Correct a visit's record; ``help_items`` (when given) replace its help given.

    ``remove_photo_ids`` are photos of this visit to drop (their files are deleted from storage
    once the transaction commits); ``add_photos`` are new uploads, limited like at entry, and the
    visit keeps at most MAX_VISIT_PHOTOS. Optimistic: ``expected_version`` is the visit's version
    when the form was loaded; a visit changed since is refused (StaleEdit, naming who and when).
    Writes an audit event with old and new values, photos included.
    Raises PermissionDenied (not the visit's cadre nor the office's staff), ValidationError.
    """
    unknown = set(fields) - set(VISIT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not an editable visit field: {sorted(unknown)}")
    visit = _lock_visit(actor=actor, visit=visit, expected_version=expected_version)
    changed = apply_field_changes(visit, fields)
    if {"visited_on", "campaign"} & set(changed):  # an old visit keeps its date while notes are corrected
        validate_visit_date(visit.visited_on, campaign=visit.campaign)
    if visit.member is not None and visit.member.household_id != visit.household_id:
        raise ValidationError(_("走访对象不是该户的家庭成员。"))
    if "cadre" in changed and not user_can_see_unit(actor, visit.cadre.org_unit):
        raise PermissionDenied(_("所选干部不在您的管辖范围内。"))
    visit.full_clean(exclude=["idempotency_key"])
    if help_items is not None:
        old_help = [(h.kind, h.amount, h.description) for h in visit.help_items.all()]
        helps = _help_objects(visit, help_items)
        new_help = [(h.kind, h.amount, h.description) for h in helps]
        if old_help != new_help:
            visit.help_items.all().delete()
            HelpGiven.objects.bulk_create(helps)
            changed["help"] = [len(old_help), len(new_help)]
    if add_photos or remove_photo_ids:
        _update_photos(visit, add_photos=add_photos, remove_photo_ids=remove_photo_ids, changed=changed)
    if not changed:
        return visit
    stamp_version(visit, actor=actor)
    visit.save()
    audit_record(action="ledgers.visit_update", actor=actor, obj=visit, detail={"changed": changed})
    return visit


def _update_photos(visit: Visit, *, add_photos, remove_photo_ids, changed: dict) -> None:
    """Drop and add a locked visit's photos; everything is checked before any file is written."""
    existing = list(visit.photos.all())
    wanted = {int(pk) for pk in remove_photo_ids}
    removed = [photo for photo in existing if photo.pk in wanted]
    if len(removed) != len(wanted):
        raise ValidationError(_("要删除的照片不属于这条走访记录。"), code="photo_foreign")
    _check_photo_total(len(existing) - len(removed) + len(add_photos))
    added = _photo_objects(visit, add_photos)
    for record in added:
        record.save()
    VisitPhoto.objects.filter(pk__in=[photo.pk for photo in removed]).delete()
    for photo in removed:
        # Files go only when the correction is committed: a rolled-back edit keeps its photos.
        transaction.on_commit(lambda f=photo.image: f.storage.delete(f.name))
    changed["photos"] = {
        "removed": [photo.image.name for photo in removed],
        "added": [record.image.name for record in added],
        "count": [len(existing), len(existing) - len(removed) + len(added)],
    }


@transaction.atomic
def visit_delete(*, actor, visit: Visit, reason: str, expected_version: int | None = None) -> None:
    """Delete a visit entered by mistake, with its help and photos; the reason is audited.

    Refused (ValidationError) without a reason, or when the visit raised a demand: the demand's
    history points at it, so the demand is dealt with first. Raises PermissionDenied, StaleEdit.
    """
    if not (reason or "").strip():
        raise ValidationError(_("删除走访记录必须说明原因。"))
    visit = _lock_visit(actor=actor, visit=visit, expected_version=expected_version)
    if visit.demands.exists():
        raise ValidationError(_("这条走访记录已提出诉求，不能删除；如确属误录，请先处理相关诉求。"))
    audit_record(
        action="ledgers.visit_delete",
        actor=actor,
        obj=visit,
        detail={
            "reason": reason.strip(),
            "household": visit.household_id,
            "cadre": visit.cadre_id,
            "visited_on": visit.visited_on,
            "method": visit.method,
            "ledger_book": visit.ledger_book,
            "learned": visit.learned,
            "help": visit.help_items.count(),
            "photos": visit.photos.count(),
        },
    )
    for photo in visit.photos.all():
        # The rows go with the visit (cascade); the files would otherwise stay on disk.
        transaction.on_commit(lambda f=photo.image: f.storage.delete(f.name))
    visit.delete()


def demand_raise_from_forum(*, actor, forum: Forum, draft: DemandDraft, idempotency_key=None) -> Demand:
    """A topic raised at a forum becomes a demand of the forum's village."""
    household = draft.household
    return demand_raise(
        actor=actor,
        unit=household.village if household else forum.village,
        category=draft.category,
        title=draft.title,
        description=draft.description,
        source=Demand.Source.FORUM,
        household=household,
        person_name=draft.person_name,
        person_phone=draft.person_phone,
        forum=forum,
        campaign=forum.campaign,
        received_on=dates.day_of(forum.held_at),
        idempotency_key=idempotency_key,
    )


def demand_raise_from_reception(
    *, actor, reception_day: ReceptionDay, draft: DemandDraft, idempotency_key=None
) -> Demand:
    """A visitor received on a reception day: the demand belongs to their village, or the leader's unit."""
    household = draft.household
    channel_source = {
        ReceptionDay.Channel.HOTLINE: Demand.Source.HOTLINE,
    }.get(reception_day.channel, Demand.Source.RECEPTION)
    return demand_raise(
        actor=actor,
        unit=household.village if household else reception_day.leader.org_unit,
        category=draft.category,
        title=draft.title,
        description=draft.description,
        source=channel_source,
        household=household,
        person_name=draft.person_name,
        person_phone=draft.person_phone,
        reception_day=reception_day,
        campaign=reception_day.campaign,
        received_on=reception_day.held_on,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def demand_reveal_phone(*, actor, demand: Demand) -> str:
    """The unmasked phone number of a demand's person; an audit event records who saw it.

    The person's own number when the demand has one, else the household's, revealed through the
    household register's own helper (``outreach.services.household_reveal_personal``). Raises
    PermissionDenied without ``outreach.view_personal_data``, Http404 outside the user's subtree.
    """
    if not can_view_personal_data(actor):
        raise PermissionDenied
    require_unit_visible(actor, demand.unit)
    if not demand.person_phone and demand.household is not None:
        return household_reveal_personal(actor=actor, household=demand.household, field="phone")
    audit_record(action="ledgers.demand_reveal_phone", actor=actor, obj=demand, detail={"field": "person_phone"})
    return demand.person_phone


def new_token() -> uuid.UUID:
    return uuid.uuid4()
