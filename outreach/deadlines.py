"""Deadline kinds of the outreach app, registered with the reminder engine (reminders.registry)."""

import datetime

from django.db.models import DateField, Q
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import gettext_lazy as _

from reminders.registry import DeadlineKind, register, unit_leaders_for

from .models import Forum

# Plan 001: the forum's notice is posted five days before it is held (提前5天张贴通知).
FORUM_NOTICE_DAYS = 5


def _forums():
    notice_due = Cast(TruncDate("held_at") - datetime.timedelta(days=FORUM_NOTICE_DAYS), DateField())
    return Forum.objects.select_related("village").annotate(notice_due=notice_due)


def _forum_subject(forum):
    return _("%(village)s%(title)s（%(held)s）的预告应于 %(due)s 前张贴") % {
        "village": forum.village.name,
        "title": forum.title,
        "held": forum.held_at.date().isoformat(),
        "due": forum.notice_due.isoformat(),
    }


# A forum whose notice is not yet posted: due five days before it is held; the village's leaders
# (else its cadres) are reminded, +N escalates to the township.
register(
    DeadlineKind(
        key="outreach.forum_notice",
        label=_("群众访谈日预告"),
        queryset=_forums,
        open_q=Q(notice_posted_on__isnull=True),
        due_field="notice_due",
        unit_field="village",
        responsible=unit_leaders_for("village"),
        subject=_forum_subject,
    )
)
