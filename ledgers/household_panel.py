"""A household's visits and demands on its file page, which is outreach's.

Households are outreach's; visits and demands are ledgers', above it. Ledgers adds them to the
household page through ``outreach.panels`` (the buttons that record a visit or open the timeline,
and the latest visits and demands), and tells outreach that a visit reaches a household, for
the pairing-status page's "must-visit households nobody has reached". Imported by
``LedgersConfig.ready``.
"""

from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string

from outreach.models import Household
from outreach.panels import PanelContent, register_detail_panel, register_reach

from .models import Visit
from .selectors import household_timeline

LATEST = 20


def household_panel(request, household):
    """The household's latest visits and demands (a fixed number of queries whatever the counts)."""
    entries = household_timeline(user=request.user, household=household)
    context = {
        "household": household,
        "visits": [e.obj for e in entries if e.kind == "visit"][:LATEST],
        "demands": [e.obj for e in entries if e.kind == "demand"][:LATEST],
        "can_visit": request.user.has_perm("ledgers.add_visit"),
        "can_view_visits": request.user.has_perm("ledgers.view_visit"),
        "can_view_demands": request.user.has_perm("ledgers.view_demand"),
    }
    return PanelContent(
        actions=render_to_string("ledgers/partials/_household_actions.html", context, request=request),
        below=render_to_string("ledgers/partials/_household_ledger.html", context, request=request),
    )


def visited():
    return Exists(Visit.objects.filter(household_id=OuterRef("pk")))


register_detail_panel(Household, household_panel)
register_reach(visited)
