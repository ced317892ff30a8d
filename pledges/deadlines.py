"""Deadline kinds of the pledges app, registered with the reminder engine (reminders.registry)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.masking import mask_text
from reminders.registry import DeadlineKind, person_or_unit_leaders, register

from .models import Pledge


def _pledge_subject(pledge):
    return _("承诺事项“%(title)s”（%(unit)s）应于 %(deadline)s 前完成") % {
        "title": mask_text(pledge.title or pledge.content[:40]),
        "unit": pledge.org_unit.name,
        "deadline": pledge.deadline.isoformat(),
    }


# A pledge (承诺事项) is owed once a leader approved it (四明确: a deadline and a person); it stays
# open until completed. Its responsible person is reminded, else the responsible unit's leaders.
# The key is the one reminders were stored under before pledges left ledgers: keep it.
register(
    DeadlineKind(
        key="ledgers.pledge",
        label=_("承诺事项"),
        queryset=lambda: Pledge.objects.select_related("org_unit", "responsible_unit", "responsible_person__org_unit"),
        open_q=Q(approval_state__in=Pledge.COMMITTED_STATES, completed_on__isnull=True),
        due_field="deadline",
        unit_field="responsible_unit",
        responsible=person_or_unit_leaders("responsible_person", "responsible_unit"),
        subject=_pledge_subject,
        url=lambda pledge: pledge.get_absolute_url(),
    )
)
