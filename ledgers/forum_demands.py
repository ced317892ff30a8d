"""Demands raised at a forum or on a reception day, on those pages of outreach.

Forums and reception days are outreach's; what people raise there becomes a demand, which is
ledgers'. Outreach sits below ledgers and cannot know demands, so ledgers adds them to its pages
through ``outreach.panels``: the number of demands as a list column, and on the detail page the
demands raised there with the form that raises one (the page's POST). Imported by
``LedgersConfig.ready``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.models import Forum, ReceptionDay
from outreach.panels import ListColumn, PanelContent, register_detail_panel, register_list_column

from .forms import DemandDraftForm
from .services import DemandDraft, demand_raise_from_forum, demand_raise_from_reception


def _draft(data) -> DemandDraft:
    return DemandDraft(
        category=data["category"],
        title=data["title"],
        description=data.get("description", ""),
        person_name=data.get("person_name", ""),
        person_phone=data.get("person_phone", ""),
        household=data.get("household"),
    )


def _panel(request, record, *, form, raise_demand, done, heading, form_heading):
    """The demands raised at ``record`` and the form that raises one; after a raise, the page again."""
    if request.method == "POST":
        if not request.user.has_perm("ledgers.add_demand"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            raise_demand(draft=_draft(data), idempotency_key=data["token"])
            messages.success(request, done)
            return redirect(request.path)
    context = {
        "demands": list(record.demands.select_related("category", "responsible_unit")),
        "form": form,
        "heading": heading,
        "form_heading": form_heading,
    }
    return PanelContent(
        below=render_to_string("ledgers/partials/_raised_demands.html", context, request=request),
        aside=render_to_string("ledgers/partials/_raise_demand_form.html", context, request=request),
    )


def forum_demands_panel(request, forum):
    return _panel(
        request,
        forum,
        form=DemandDraftForm(request.POST or None, user=request.user, village=forum.village),
        raise_demand=lambda **kw: demand_raise_from_forum(actor=request.user, forum=forum, **kw),
        done=_("已将访谈中提出的问题登记为诉求。"),
        heading=_("访谈中提出的问题（诉求）"),
        form_heading=_("登记访谈中提出的问题"),
    )


def reception_day_demands_panel(request, reception_day):
    return _panel(
        request,
        reception_day,
        form=DemandDraftForm(request.POST or None, user=request.user),
        raise_demand=lambda **kw: demand_raise_from_reception(actor=request.user, reception_day=reception_day, **kw),
        done=_("已将来访群众的诉求登记。"),
        heading=_("来访群众的诉求"),
        form_heading=_("登记来访诉求"),
    )


DEMAND_COUNT = ListColumn(key="demand_count", heading=gettext_lazy("诉求"), annotate=lambda: Count("demands"))

register_list_column(Forum, DEMAND_COUNT)
register_list_column(ReceptionDay, DEMAND_COUNT)
register_detail_panel(Forum, forum_demands_panel)
register_detail_panel(ReceptionDay, reception_day_demands_panel)
