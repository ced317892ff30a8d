"""Writes for visits, forums and reception days. Demand state changes live in ``demand_flow``."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from outreach.models import Forum, ReceptionDay

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


@transaction.atomic
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
) -> tuple[Visit, bool]:
    """Record one visit with its help, photos and an optional demand; returns (visit, created).

    A double-submitted form carries the same ``idempotency_key``: the second call returns the
    first visit and creates nothing. Writes an audit event (and the demand's own events).
    Raises ValidationError for a future date or a member of another household.
    """
    if not actor.has_perm("ledgers.add_visit"):
        raise PermissionDenied(_("您没有录入走访记录的权限。"))
    if idempotency_key is not None:
        existing = Visit.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    if visited_on > timezone.localdate():
        raise ValidationError(_("走访日期不能晚于今天。"))
    if member is not None and member.household_id != household.pk:
        raise ValidationError(_("走访对象不是该户的家庭成员。"))
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
    try:
        with transaction.atomic():
            visit.full_clean(exclude=["idempotency_key"])
            visit.save()
    except IntegrityError:
        # The same token won a race in another request a moment ago.
        if idempotency_key is None:
            raise
        return Visit.objects.get(idempotency_key=idempotency_key), False
    helps = [HelpGiven(visit=visit, **item) for item in help_items]
    for item in helps:
        item.full_clean(exclude=["visit"])
    HelpGiven.objects.bulk_create(helps)
    for photo in photos:
        record = VisitPhoto(visit=visit, image=photo)
        record.full_clean(exclude=["visit"])
        record.save()
    raised = None
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
    return visit, True


FORUM_FIELDS = ("village", "campaign", "title", "held_at", "place", "notice_posted_on", "attendance")
FORUM_TEXT_FIELDS = ("attendee_list", "summary")


@transaction.atomic
def forum_save(*, actor, forum: Forum | None = None, leading_cadres=(), **fields) -> Forum:
    """Create or update a forum (群众访谈日) record. Writes an audit event."""
    perm = "outreach.add_forum" if forum is None else "outreach.change_forum"
    if not actor.has_perm(perm):
        raise PermissionDenied(_("您没有登记群众访谈日的权限。"))
    created = forum is None
    forum = forum or Forum()
    for name, value in fields.items():
        if name not in FORUM_FIELDS + FORUM_TEXT_FIELDS:
            raise TypeError(f"unknown forum field {name}")
        setattr(forum, name, value)
    if forum.notice_posted_on and forum.notice_posted_on > timezone.localtime(forum.held_at).date():
        raise ValidationError(_("预告张贴日期不能晚于访谈日。"))
    forum.full_clean()
    forum.save()
    forum.leading_cadres.set(leading_cadres)
    audit_record(action="outreach.forum_create" if created else "outreach.forum_update", actor=actor, obj=forum)
    return forum


@transaction.atomic
def reception_day_save(*, actor, reception_day: ReceptionDay | None = None, **fields) -> ReceptionDay:
    """Create or update a leader's reception day (接待日). Writes an audit event."""
    perm = "outreach.add_receptionday" if reception_day is None else "outreach.change_receptionday"
    if not actor.has_perm(perm):
        raise PermissionDenied(_("您没有登记接待日的权限。"))
    created = reception_day is None
    reception_day = reception_day or ReceptionDay()
    for name, value in fields.items():
        if name not in ("leader", "campaign", "held_on", "channel", "place", "visitors_count", "notes"):
            raise TypeError(f"unknown reception day field {name}")
        setattr(reception_day, name, value)
    reception_day.full_clean()
    reception_day.save()
    audit_record(
        action="outreach.receptionday_create" if created else "outreach.receptionday_update",
        actor=actor,
        obj=reception_day,
    )
    return reception_day


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
        received_on=timezone.localtime(forum.held_at).date(),
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


def new_token() -> uuid.UUID:
    return uuid.uuid4()
