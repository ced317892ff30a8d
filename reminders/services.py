"""Writes of the reminder engine: sync reminders from deadlines, dispatch them, deliver them once.

The flow: ``reminders_sync_*`` turns deadlines into Reminder rows (in the caller's transaction, no
broker involved); beat runs ``reminders_dispatch_due`` every minute, which claims due rows and
publishes their ids in batches; the worker runs ``reminders_send_batch`` on each batch. A
(reminder, channel) Delivery row is claimed *before* the channel is called, and the unique
constraint on that pair is what makes a second send impossible.
"""

import datetime
import logging
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.audit import audit_record
from org.models import Cadre

from .channels import PermanentChannelError, TransientChannelError, get_sms_backend
from .links import absolute_url
from .models import Channel, ChannelPreference, Delivery, Reminder, ReminderRule, stage_label
from .registry import DeadlineKind, escalation_targets, get_kind, kind_for_model
from .selectors import DigestEntry, digest_ahead, digest_entries

logger = logging.getLogger(__name__)


def _setting(name, default):
    return getattr(settings, name, default)


def _local_tz():
    return timezone.get_default_timezone()


def send_time_for(day: datetime.date) -> datetime.datetime:
    """When a reminder for ``day`` goes out: REMINDERS_SEND_TIME (local) on that day."""
    hour, minute = (int(x) for x in _setting("REMINDERS_SEND_TIME", "08:00").split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=_local_tz())


# --- Sync: deadlines -> reminder rows -------------------------------------------------------------


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0

    def add(self, other: "SyncResult"):
        self.created += other.created
        self.updated += other.updated
        self.cancelled += other.cancelled


def _rules(kind: DeadlineKind) -> list[tuple[int, bool]]:
    return list(
        ReminderRule.objects.filter(kind=kind.key, is_active=True)
        .order_by("offset_days")
        .values_list("offset_days", "escalate")
    )


def _names(cadres) -> str:
    return "、".join(c.name for c in cadres)


def _entries(kind: DeadlineKind, items) -> list[tuple]:
    """(subject key, object id, due, unit, subject, topic, url, responsible cadres) per item.

    A computed deadline names its source item as the subject: the rows of one source and due
    date (each cadre short of a quota in May) share it and differ by recipient. ``topic`` is the
    subject without what is personal to one row, for an escalation that sums up several.
    """
    if kind.compute is not None:
        return [
            (
                kind.subject_key(row.source_pk),
                row.source_pk,
                row.due,
                row.unit,
                row.subject,
                row.topic or row.subject,
                row.url,
                list(row.people),
            )
            for row in items
        ]
    responsible = kind.responsible(items)
    entries = []
    for item in items:
        subject = str(kind.subject(item))
        entries.append(
            (
                kind.subject_key(item.pk),
                item.pk,
                kind.due_of(item),
                kind.unit_of(item),
                subject,
                subject,
                kind.url_of(item),
                responsible.get(item.pk, []),
            )
        )
    return entries


def _desired(kind: DeadlineKind, rules, items, today, *, past_stages: bool = False) -> dict:
    """{(user_id, subject_key, due, offset): row fields} for items still open.

    An escalation reaches each responsible person's leader once per subject, due date and stage,
    naming the people it is about. ``past_stages`` keeps stages whose day has passed (the
    send-time check of a reminder deferred by quiet hours or retries).
    """
    entries = _entries(kind, items)
    escalations = {}
    if any(escalate for _, escalate in rules):
        everyone = {c.pk: c for entry in entries for c in entry[7]}
        escalations = escalation_targets(everyone.values())
    wanted, escalated = {}, {}
    for key, object_id, due, unit, subject, topic, url, people in entries:
        if due is None or not people:
            continue
        body = _("%(label)s · 截止日期 %(due)s · 责任单位 %(unit)s") % {
            "label": kind.label,
            "due": due.isoformat(),
            "unit": unit.name if unit else "",
        }
        fields = {"kind": kind.key, "object_id": object_id, "unit_id": unit.pk if unit else None, "url": url[:300]}
        for offset, escalate in rules:
            send_day = due + datetime.timedelta(days=offset)
            if send_day < today and not past_stages:
                continue  # a stage already past when the deadline appeared: no stale "7 days before"
            stage = {**fields, "body": body, "is_escalation": escalate, "send_at": send_time_for(send_day)}
            if escalate:
                for cadre in people:
                    for leader in escalations.get(cadre.pk, []):
                        wkey = (leader.user_id, key, due, offset)
                        escalated.setdefault(wkey, (stage, topic, {}))[2].setdefault(cadre.pk, cadre)
            else:
                title = f"{stage_label(offset)}：{subject}"[:200]
                for cadre in people:
                    wanted.setdefault((cadre.user_id, key, due, offset), {**stage, "title": title})
    for wkey, (stage, topic, named) in escalated.items():
        title = _("【逾期督办】%(subject)s（责任人：%(names)s）") % {"subject": topic, "names": _names(named.values())}
        wanted.setdefault(wkey, {**stage, "title": title[:200]})
    return wanted


def _sync_items(kind: DeadlineKind, rules, subject_pks, open_items, today) -> SyncResult:
    """Make the reminders of ``subject_pks`` match ``open_items`` (the ones among them still open)."""
    result = SyncResult()
    keys = [kind.subject_key(pk) for pk in subject_pks]
    existing_qs = Reminder.objects.filter(subject_key__in=keys)
    if kind.compute is not None:
        # Computed deadlines: ``open_items`` are the open source items; only the dues the rules
        # act on around today are computed and compared (older periods' reminders are settled).
        first, last = computed_window(rules, today)
        open_items = kind.compute(open_items, first, last, today) if rules else []
        existing_qs = existing_qs.filter(due_date__gte=first, due_date__lte=last)
    else:
        if kind.horizon_days is not None:
            horizon = today + datetime.timedelta(days=kind.horizon_days)
            open_items = [item for item in open_items if kind.due_of(item) <= horizon]
        open_items = kind.filter_open(open_items)
    wanted = _desired(kind, rules, open_items, today) if rules else {}
    existing = {(r.recipient_id, r.subject_key, r.due_date, r.offset_days): r for r in existing_qs}
    # A moved deadline: the pending reminder of the same person and stage moves with it.
    moved_from = {}
    for ekey, reminder in existing.items():
        if reminder.status == Reminder.Status.PENDING and ekey not in wanted:
            moved_from[(ekey[0], ekey[1], ekey[3])] = reminder
    to_create, to_update, to_cancel = [], [], []
    for wkey, fields in wanted.items():
        reminder = existing.get(wkey)
        if reminder is None:
            reminder = moved_from.pop((wkey[0], wkey[1], wkey[3]), None)
            if reminder is not None and (wkey[0], wkey[1], wkey[2], wkey[3]) not in existing:
                reminder.due_date = wkey[2]
                _assign(reminder, fields)
                to_update.append(reminder)
                continue
            to_create.append(
                Reminder(recipient_id=wkey[0], subject_key=wkey[1], due_date=wkey[2], offset_days=wkey[3], **fields)
            )
        elif reminder.status == Reminder.Status.CANCELLED:
            reminder.status = Reminder.Status.PENDING  # reopened, or the rule came back
            _assign(reminder, fields)
            to_update.append(reminder)
        elif reminder.status == Reminder.Status.PENDING and _differs(reminder, fields):
            _assign(reminder, fields)
            to_update.append(reminder)
    for reminder in moved_from.values():
        to_cancel.append(reminder.pk)
    if to_create:
        # ignore_conflicts: a concurrent sync of the same item may have inserted the same row.
        Reminder.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
    if to_update:
        _bulk_update(to_update)
    if to_cancel:
        Reminder.objects.filter(pk__in=to_cancel, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.CANCELLED, updated_at=timezone.now()
        )
    result.created, result.updated, result.cancelled = len(to_create), len(to_update), len(to_cancel)
    return result


_FIELDS = ("send_at", "title", "body", "url", "unit_id", "is_escalation")
_UPDATE_COLUMNS = (
    ("due_date", "date"),
    ("status", "varchar"),
    ("send_at", "timestamptz"),
    ("title", "varchar"),
    ("body", "text"),
    ("url", "varchar"),
    ("unit_id", "bigint"),
    ("is_escalation", "boolean"),
    ("updated_at", "timestamptz"),
)


def _bulk_update(reminders) -> None:
    """Write changed reminders back; one UPDATE ... FROM (VALUES ...) per 1,000 rows on PostgreSQL.

    Django's bulk_update builds a CASE per column and row: a moved city-wide deadline (64,000
    rows) took six minutes that way here, against seconds for this.
    """
    fields = [name for name, _type in _UPDATE_COLUMNS]
    if connection.vendor != "postgresql":
        Reminder.objects.bulk_update(reminders, fields, batch_size=1000)
        return
    sets = ", ".join(f"{name} = v.{name}::{sqltype}" for name, sqltype in _UPDATE_COLUMNS)
    for start in range(0, len(reminders), 1000):
        part = reminders[start : start + 1000]
        row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
        # Only column names from _UPDATE_COLUMNS and %s placeholders are formatted in; values are params.
        sql = (
            f"UPDATE reminders_reminder AS r SET {sets} "  # noqa: S608
            f"FROM (VALUES {', '.join([row] * len(part))}) AS v(id, {', '.join(fields)}) "
            "WHERE r.id = v.id"
        )
        params = [value for r in part for value in (r.pk, *(getattr(r, name) for name in fields))]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _differs(reminder, fields) -> bool:
    return any(getattr(reminder, name) != fields[name] for name in _FIELDS)


def _assign(reminder, fields):
    for name in _FIELDS:
        setattr(reminder, name, fields[name])
    reminder.updated_at = timezone.now()


def computed_window(rules, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The due dates a computed kind's rules act on today: from the latest stage back to the earliest ahead.

    A period ending later than ``today - earliest offset`` has no stage yet, so its quota is not
    evaluated: a monthly quota with a -7 rule is looked at in the last week of the month only.
    """
    offsets = [offset for offset, _escalate in rules] or [0]
    return (
        today - datetime.timedelta(days=max(max(offsets), 0)),
        today + datetime.timedelta(days=max(-min(offsets), 0)),
    )


@transaction.atomic
def reminders_sync_for(obj, *, today: datetime.date | None = None) -> SyncResult:
    """Bring the reminders of one deadline-bearing object up to date.

    Other apps call this from their own services, inside their transaction, when they create an
    item, change its deadline or complete it: the reminder rows commit or roll back with the
    change, and no broker is involved (saving never fails because Redis is down). A completed
    or deleted item cancels its pending reminders.
    """
    today = today or dates.today()
    result = SyncResult()
    for kind in kind_for_model(type(obj)):
        open_items = list(kind.open_items().filter(pk=obj.pk))
        result.add(_sync_items(kind, _rules(kind), [obj.pk], open_items, today))
    return result


def reminders_sync_kind(*, kind_key: str, today: datetime.date | None = None, chunk: int = 500) -> SyncResult:
    """Recompute every reminder of one deadline kind, in chunks of items; beat runs it per kind.

    Items whose last stage is already past are skipped; pending reminders of items no longer open
    (completed, deleted, out of scope) are cancelled.
    """
    kind = get_kind(kind_key)
    if kind is None:
        raise LookupError(f"no deadline kind {kind_key!r}")
    today = today or dates.today()
    rules = _rules(kind)
    result = SyncResult()
    latest = max((offset for offset, _ in rules), default=0)
    candidates = kind.open_items().filter(**{f"{kind.due_field}__gte": today - datetime.timedelta(days=latest)})
    if kind.horizon_days is not None and kind.compute is None:
        candidates = candidates.filter(**{f"{kind.due_field}__lte": today + datetime.timedelta(days=kind.horizon_days)})
    pks = list(candidates.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), chunk):
        part = pks[start : start + chunk]
        with transaction.atomic():
            items = list(kind.queryset().filter(pk__in=part).order_by("pk"))
            result.add(_sync_items(kind, rules, part, items, today))
    stale = (
        Reminder.objects.filter(kind=kind.key, status=Reminder.Status.PENDING)
        .exclude(object_id__in=Subquery(candidates.values("pk")))
        .update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())
    )
    result.cancelled += stale
    return result


# --- Dispatch: claim due rows, publish their ids in batches ----------------------------------------


@dataclass
class DispatchResult:
    claimed: int = 0
    batches: int = 0
    released: int = 0
    broker_error: str = ""


_CLAIM_SQL = """
    UPDATE reminders_reminder SET status = 'queued', queued_at = %s
    WHERE id IN (
        SELECT id FROM reminders_reminder
        WHERE status = 'pending' AND send_at <= %s AND (send_at, id) > (%s, %s)
        ORDER BY send_at, id LIMIT %s FOR UPDATE SKIP LOCKED
    ) RETURNING id, send_at
"""
_START = (datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), 0)


def _claim_batch(now, size, after=_START) -> tuple[list[int], tuple]:
    """Claim up to ``size`` due rows after the ``after`` (send_at, id) cursor: (ids, new cursor).

    The cursor matters on PostgreSQL: rows claimed a moment ago still sit in the partial index as
    dead entries until vacuum, and scanning past them again on every batch made a run quadratic.
    """
    if connection.vendor == "postgresql":
        # One round trip: lock (skipping rows another dispatcher holds), mark, return the ids.
        with transaction.atomic(), connection.cursor() as cursor:
            # Right after a sync inserts a city-wide deadline's rows the statistics are stale and the
            # planner bitmap-scans and sorts every pending row for each batch; the only plan that
            # needs no sort is the ordered walk of reminders_due_idx that stops after `size` rows.
            cursor.execute("SET LOCAL enable_sort = off")
            # A claim lost in a database crash is harmless (the row is still pending and the send
            # task skips rows that are not queued), so it need not wait for the WAL flush.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(_CLAIM_SQL, [now, now, after[0], after[1], size])
            rows = cursor.fetchall()
        if not rows:
            return [], after
        last = max((send_at, pk) for pk, send_at in rows)
        return sorted(pk for pk, _send_at in rows), last
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=Reminder.Status.PENDING, send_at__lte=now)
            .filter(Q(send_at__gt=after[0]) | Q(send_at=after[0], id__gt=after[1]))
            .order_by("send_at", "id")
            .values_list("id", "send_at")[:size]
        )
        ids = [pk for pk, _send_at in rows]
        if ids:
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.PENDING).update(
                status=Reminder.Status.QUEUED, queued_at=now
            )
    return ids, (rows[-1][1], rows[-1][0]) if rows else after


def _release(ids) -> int:
    return Reminder.objects.filter(pk__in=ids, status=Reminder.Status.QUEUED).update(
        status=Reminder.Status.PENDING, queued_at=None
    )


def reminders_recover_stale(*, now=None) -> int:
    """Give back work a dead dispatcher or worker left behind.

    Reminders queued longer than REMINDERS_QUEUED_TIMEOUT go back to pending (their deliveries are
    unique, so re-sending them cannot duplicate one). Deliveries stuck in "sending" that long are
    marked "unknown": the channel may have sent them, so they are never re-sent.
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=_setting("REMINDERS_QUEUED_TIMEOUT", 600))
    released = Reminder.objects.filter(status=Reminder.Status.QUEUED, queued_at__lt=limit).update(
        status=Reminder.Status.PENDING, queued_at=None
    )
    Delivery.objects.filter(status=Delivery.Status.SENDING, started_at__lt=limit).update(
        status=Delivery.Status.UNKNOWN, last_error=_("发送过程中工作进程中断，为避免重复未再发送")
    )
    return released


def _publish_batches(batches) -> None:
    """Publish one send task per batch over one fresh connection; raises when the broker is down.

    Not ``core.background.enqueue_on_commit``: the claims are committed already, thousands of
    batches share one connection, and a failure must reach the caller, which gives the rows back.
    """
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        producer = current_app.amqp.Producer(conn, auto_declare=True)
        for ids in batches:
            current_app.send_task("reminders.send_reminders", args=[ids], producer=producer, retry=False)


def reminders_dispatch_due(*, now=None, publish=None) -> DispatchResult:
    """Claim every due pending reminder in batches and publish each batch as one task.

    Claiming is ``SELECT ... FOR UPDATE SKIP LOCKED`` then a conditional update, so two
    dispatchers (beat fired twice) never claim the same row. If the broker is down, the rows of
    the unpublished batches go back to pending and the next run (a minute later) catches up.
    """
    now = now or timezone.now()
    publish = publish or _publish_batches
    size = _setting("REMINDERS_BATCH_SIZE", 1000)
    max_batches = _setting("REMINDERS_MAX_BATCHES_PER_RUN", 400)
    result = DispatchResult(released=reminders_recover_stale(now=now))
    group = _setting("REMINDERS_PUBLISH_GROUP", 20)
    cursor = _START
    while result.batches < max_batches:
        claimed = []
        for _i in range(group):
            ids, cursor = _claim_batch(now, size, cursor)
            if not ids:
                break
            claimed.append(ids)
        if not claimed:
            break
        try:
            publish(claimed)
        except Exception as exc:  # noqa: BLE001  (any broker failure: give the rows back, retry next minute)
            for ids in claimed:
                _release(ids)
            result.broker_error = f"{type(exc).__name__}: {exc}"[:300]
            logger.warning("reminders: broker unavailable, claims released for the next run: %s", exc)
            break
        result.batches += len(claimed)
        result.claimed += sum(len(ids) for ids in claimed)
        if len(claimed[-1]) < size:
            break
    return result


# --- Send: deliver a batch on every channel the recipient wants -----------------------------------


def _preference(user) -> ChannelPreference:
    try:
        return user.reminder_preference
    except ChannelPreference.DoesNotExist:
        return ChannelPreference(user=user)


def _cadre(user):
    try:
        return user.cadre
    except Exception:  # noqa: BLE001  (RelatedObjectDoesNotExist: a user without a cadre profile)
        return None


def _wanted_channels(reminder) -> list[str]:
    pref = _preference(reminder.recipient)
    channels = []
    for channel in pref.channels():
        if channel == Channel.EMAIL and not reminder.recipient.email:
            continue
        if channel == Channel.SMS:
            cadre = _cadre(reminder.recipient)
            if cadre is None or not cadre.phone:
                continue
        channels.append(channel)
    return channels


def _still_due(rows, now) -> tuple[list, list]:
    """Re-check each deadline at send time (one query per kind): (still valid, to cancel)."""
    by_kind = defaultdict(list)
    valid, cancel = [], []
    for row in rows:
        if row["kind"] == Reminder.DIGEST_KIND:
            valid.append(row)
        else:
            by_kind[row["kind"]].append(row)
    for key, group in by_kind.items():
        kind = get_kind(key)
        if kind is None:
            cancel.extend(group)
            continue
        if kind.compute is not None:
            _still_due_computed(kind, group, dates.day_of(now), valid, cancel)
            continue
        dues = dict(kind.open_items().filter(pk__in={r["object_id"] for r in group}).values_list("pk", kind.due_field))
        if kind.still_open is not None:
            # Computed "open" (a quota still short?): asked once for the batch's items.
            still = {item.pk for item in kind.filter_open(list(kind.open_items().filter(pk__in=dues)))}
            dues = {pk: due for pk, due in dues.items() if pk in still}
        resync = set()
        for row in group:
            due = dues.get(row["object_id"])
            if due is None:
                cancel.append(row)
            elif due != row["due_date"]:
                cancel.append(row)
                resync.add(row["object_id"])
            else:
                valid.append(row)
        for pk in resync:
            # The deadline moved since the last sync: schedule the right reminders now.
            with transaction.atomic():
                _sync_items(kind, _rules(kind), [pk], list(kind.open_items().filter(pk=pk)), dates.day_of(now))
    return valid, cancel


def _still_due_computed(kind, group, today, valid, cancel) -> None:
    """Send-time check of computed reminders: is the recipient still owed this reminder?

    The batch's source items are computed once over the batch's due dates; a reminder stays
    valid if the same (recipient, subject, due date, stage) would be wanted now, so a cadre who
    met the quota since the last sync, or a unit no longer short, is not reminded.
    """
    sources = list(kind.open_items().filter(pk__in={r["object_id"] for r in group}))
    dues = [r["due_date"] for r in group]
    rows = kind.compute(sources, min(dues), max(dues), today) if sources else []
    wanted = _desired(kind, _rules(kind), rows, today, past_stages=True)
    for row in group:
        key = (row["recipient_id"], row["subject_key"], row["due_date"], row["offset_days"])
        (valid if key in wanted else cancel).append(row)


def _send_external(reminder, channel, now) -> datetime.datetime | None:
    """Deliver on e-mail or SMS at most once. Returns when to try again, or None when settled."""
    delivery = Delivery.objects.filter(reminder=reminder, channel=channel).first()
    if delivery is None:
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    reminder=reminder,
                    recipient_id=reminder.recipient_id,
                    channel=channel,
                    status=Delivery.Status.SENDING,
                    attempts=1,
                    started_at=now,
                )
        except IntegrityError:
            return None  # another worker holds this (reminder, channel): it will send, not us
    elif delivery.status == Delivery.Status.RETRYING:
        claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.RETRYING).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1, started_at=now
        )
        if claimed != 1:
            return None
        delivery.refresh_from_db()
    else:
        return None  # sent, failed, unknown, or being sent by someone else
    # The claim above is committed: from here on, nothing can send this pair a second time.
    try:
        if channel == Channel.EMAIL:
            _send_email(reminder)
        else:
            _send_sms(reminder, delivery)
    except TransientChannelError as exc:
        return _after_transient(delivery, exc, now)
    except Exception as exc:  # noqa: BLE001  (permanent: a bad address, a refused number, a bug)
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=str(exc)[:300])
        logger.exception("reminders: delivery %s failed permanently", delivery.pk)
        return None
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    return None


def _after_transient(delivery, exc, now):
    max_attempts = _setting("REMINDERS_MAX_ATTEMPTS", 5)
    if delivery.attempts >= max_attempts:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=str(exc)[:300])
        logger.warning("reminders: delivery %s failed after %s attempts: %s", delivery.pk, delivery.attempts, exc)
        return None
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.RETRYING, last_error=str(exc)[:300])
    backoff = _setting("REMINDERS_RETRY_BACKOFF", 60) * 2 ** (delivery.attempts - 1)
    return now + datetime.timedelta(seconds=backoff)


def _send_email(reminder):
    import smtplib

    message = EmailMessage(
        subject=reminder.title,
        body=_email_body(reminder),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient.email],
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentChannelError(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientChannelError(str(exc)) from exc


def _email_body(reminder) -> str:
    """The plain-text e-mail: title, body, and absolute links (it is read in a mail client, off the site)."""
    lines = [reminder.title, "", reminder.body]
    if reminder.url:
        lines += ["", absolute_url(reminder.url)]
    if reminder.kind == Reminder.DIGEST_KIND:
        lines += ["", _("站内消息：%(url)s") % {"url": absolute_url(reverse("reminders:inbox"))}]
    return "\n".join(lines)


def _sms_text(reminder) -> str:
    if reminder.kind == Reminder.DIGEST_KIND:
        return f"{reminder.title}{_('（详情见站内消息）')} {absolute_url(reverse('reminders:inbox'))}"
    return f"{reminder.title} {absolute_url(reminder.url)}" if reminder.url else reminder.title


def _send_sms(reminder, delivery):
    cadre = _cadre(reminder.recipient)
    text = _sms_text(reminder)
    get_sms_backend().send(phone=cadre.phone, text=text, idempotency_key=f"minqing-delivery-{delivery.pk}")


_ROW_FIELDS = {
    "email": F("recipient__email"),
    "phone": F("recipient__cadre__phone"),
    "want_inapp": F("recipient__reminder_preference__inapp"),
    "want_email": F("recipient__reminder_preference__email"),
    "want_sms": F("recipient__reminder_preference__sms"),
}

_INSERT_INAPP_SQL = """
    INSERT INTO reminders_delivery
        (reminder_id, recipient_id, channel, status, attempts, last_error, created_at, started_at, sent_at)
    SELECT id, recipient_id, 'inapp', 'sent', 1, '', %s, %s, %s FROM reminders_reminder WHERE id IN ({ids})
    ON CONFLICT (reminder_id, channel) DO NOTHING
"""


def _insert_inapp(ids, now) -> None:
    """Write the in-app deliveries of a batch in one statement; the unique pair makes a repeat a no-op."""
    if not ids:
        return
    sql = _INSERT_INAPP_SQL.format(ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, now, *ids])


def _wants(row) -> tuple[bool, bool, bool]:
    """(in-app, e-mail, SMS) for a batch row; no preference row means the defaults."""
    inapp = row["want_inapp"] is not False
    email = row["want_email"] is not False and bool(row["email"])
    sms = bool(row["want_sms"]) and bool(row["phone"])
    return inapp, email, sms


def reminders_send_batch(*, reminder_ids: list[int], now=None) -> dict:
    """Deliver a batch of claimed reminders on each channel their recipients want, at most once each.

    Deliberately not one transaction: each (reminder, channel) claim commits before its channel is
    called, so a worker that dies after sending leaves a claim that stops any resend. In-app
    messages are written in one statement (their insert *is* the delivery). SMS in quiet hours
    and channels with transient errors put the reminder back to pending with a later send time.
    """
    now = now or timezone.now()
    rows = list(
        Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.Status.QUEUED).values(
            "id", "kind", "object_id", "subject_key", "due_date", "offset_days", "recipient_id", **_ROW_FIELDS
        )
    )
    valid, cancel = _still_due(rows, now)
    if cancel:
        Reminder.objects.filter(pk__in=[r["id"] for r in cancel], status=Reminder.Status.QUEUED).update(
            status=Reminder.Status.CANCELLED, updated_at=now
        )
    inapp, external = [], []
    for row in valid:
        wants_inapp, wants_email, wants_sms = _wants(row)
        if wants_inapp:
            inapp.append(row["id"])
        if wants_email or wants_sms:
            external.append(row["id"])
    _insert_inapp(inapp, now)
    later = _send_external_batch(external, now) if external else {}
    done = [row["id"] for row in valid if row["id"] not in later]
    if done:
        Reminder.objects.filter(pk__in=done, status=Reminder.Status.QUEUED).update(
            status=Reminder.Status.SENT, sent_at=now, updated_at=now
        )
    for pk, when in later.items():
        Reminder.objects.filter(pk=pk, status=Reminder.Status.QUEUED).update(
            status=Reminder.Status.PENDING, send_at=when, queued_at=None, updated_at=now
        )
    return {"sent": len(done), "later": len(later), "cancelled": len(cancel)}


def _send_external_batch(ids, now) -> dict:
    """E-mail and SMS of a batch, one reminder at a time; {reminder id: when to come back}."""
    later = {}
    local_now = timezone.localtime(now, _local_tz())
    reminders = Reminder.objects.filter(pk__in=ids).select_related(
        "recipient", "recipient__cadre", "recipient__reminder_preference"
    )
    for reminder in reminders:
        channels = _wanted_channels(reminder)
        retry_at = None
        for channel in (Channel.EMAIL, Channel.SMS):
            if channel not in channels:
                continue
            if channel == Channel.SMS:
                quiet_until = _preference(reminder.recipient).quiet_until(local_now)
                if quiet_until is not None:
                    retry_at = min(filter(None, [retry_at, quiet_until]))  # deferred, not dropped
                    continue
            again = _send_external(reminder, channel, now)
            if again is not None:
                retry_at = min(filter(None, [retry_at, again]))
        if retry_at is not None:
            later[reminder.pk] = retry_at
    return later


# --- Daily digest for leaders ---------------------------------------------------------------------


def _digest_line(entry: DigestEntry) -> str:
    line = f"· {entry.unit_name} · {entry.label}：{entry.subject}"
    return f"{line}\n  {absolute_url(entry.url)}" if entry.url else line


def reminders_create_digests(*, now=None) -> int:
    """One message per leader per day: what is due soon and overdue in their subtree.

    Each kind's open items up to REMINDERS_DIGEST_AHEAD_DAYS ahead are loaded once and matched to
    leaders by unit path, so the cost does not grow with leaders × items in queries. Each line
    carries the item's absolute link (the digest is also e-mailed); past the line limit, the
    "另有 N 项" line links to the full list. The unique (recipient, "digest", day) key makes a
    second run the same day a no-op. Returns how many digests this run created.
    """
    now = now or timezone.now()
    today = dates.day_of(now)
    ahead = digest_ahead(today)
    entries = digest_entries(today=today)
    paths = [e.path for e in entries]
    leaders = (
        Cadre.objects.filter(is_leader=True, user__is_active=True)
        .exclude(user__reminder_preference__digest=False)
        .select_related("org_unit")
    )
    rows = []
    limit = _setting("REMINDERS_DIGEST_MAX_LINES", 10)
    for leader in leaders:
        prefix = leader.org_unit.path
        mine = entries[bisect_left(paths, prefix) : bisect_left(paths, prefix + "\U0010ffff")]
        if not mine:
            continue
        overdue = [e for e in mine if e.due < today]
        due = [e for e in mine if e.due >= today]
        title = _("每日摘要 %(day)s：逾期 %(o)d 项，%(n)d 天内到期 %(d)d 项") % {
            "day": today.isoformat(),
            "o": len(overdue),
            "n": (ahead - today).days,
            "d": len(due),
        }
        lines = []
        for label, group, which in ((_("逾期"), overdue, "overdue"), (_("即将到期"), due, "due")):
            if not group:
                continue
            lines.append(f"【{label}】")
            lines.extend(_digest_line(entry) for entry in sorted(group, key=lambda e: e.due)[:limit])
            if len(group) > limit:
                lines.append(_("……另有 %(n)d 项") % {"n": len(group) - limit})
                lines.append(f"  {absolute_url(reverse('reminders:due_list') + '?show=' + which)}")
        rows.append(
            Reminder(
                kind=Reminder.DIGEST_KIND,
                subject_key="digest",
                recipient_id=leader.user_id,
                unit_id=leader.org_unit_id,
                due_date=today,
                offset_days=0,
                title=title[:200],
                body="\n".join(lines),
                url=reverse("reminders:due_list"),
                send_at=now,
            )
        )
    todays = Reminder.objects.filter(kind=Reminder.DIGEST_KIND, due_date=today)
    before = todays.count()
    Reminder.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return todays.count() - before


# --- The inbox and preferences --------------------------------------------------------------------


def inbox_mark_read(*, user, delivery_id: int) -> Delivery:
    """Mark one of the user's own in-app messages read. Raises Delivery.DoesNotExist for anyone else's."""
    delivery = Delivery.objects.inbox(user).get(pk=delivery_id)
    if delivery.read_at is None:
        delivery.read_at = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=delivery.read_at)
    return delivery


def inbox_mark_all_read(*, user) -> int:
    """Mark all of the user's unread in-app messages read; returns how many."""
    return Delivery.objects.inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_update(*, user, inapp: bool, email: bool, sms: bool, quiet_start, quiet_end, digest: bool):
    """Save the user's channel choices and quiet hours; audited."""
    pref, _created = ChannelPreference.objects.update_or_create(
        user=user,
        defaults={
            "inapp": inapp,
            "email": email,
            "sms": sms,
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "digest": digest,
        },
    )
    audit_record(
        action="reminders.preference_update",
        actor=user,
        obj=pref,
        detail={"inapp": inapp, "email": email, "sms": sms, "digest": digest},
    )
    return pref


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """Send a failed or unknown delivery again (the office checked it did not arrive); audited."""
    if delivery.status not in (Delivery.Status.FAILED, Delivery.Status.UNKNOWN):
        raise ValueError("only failed or unknown deliveries can be retried")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.RETRYING, attempts=0, last_error="")
    Reminder.objects.filter(pk=delivery.reminder_id).exclude(status=Reminder.Status.CANCELLED).update(
        status=Reminder.Status.PENDING, send_at=timezone.now(), queued_at=None
    )
    audit_record(action="reminders.delivery_retry", actor=actor, obj=delivery, unit=delivery.reminder.unit)
    delivery.refresh_from_db()
    return delivery
