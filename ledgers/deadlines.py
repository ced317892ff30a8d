"""Deadline kinds of the ledgers app, registered with the reminder engine (reminders.registry)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.masking import mask_text
from reminders.registry import DeadlineKind, person_or_unit_leaders, register

from .models import Demand, DemandQuerySet


def _demand_subject(demand):
    return _("诉求“%(title)s”（%(unit)s）办结时限 %(deadline)s") % {
        # Reminders go out by SMS and e-mail too: a number typed into the title stays masked.
        "title": mask_text(demand.title),
        "unit": demand.unit.name,
        "deadline": demand.deadline.isoformat(),
    }


# A demand on the rectification ledger (整改台账): open until resolved, due on its deadline; its
# responsible person is reminded (else the responsible unit's leaders), +N escalates upward.
register(
    DeadlineKind(
        key="ledgers.demand",
        label=_("整改台账诉求"),
        queryset=lambda: Demand.objects.select_related("unit", "responsible_unit", "responsible_person__org_unit"),
        open_q=Q(status__in=DemandQuerySet.OPEN_STATUSES, responsible_unit__isnull=False),
        due_field="deadline",
        unit_field="responsible_unit",
        responsible=person_or_unit_leaders("responsible_person", "responsible_unit"),
        subject=_demand_subject,
        url=lambda demand: demand.get_absolute_url(),
    )
)
