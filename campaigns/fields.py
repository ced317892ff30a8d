"""The one way a form offers a campaign: cascaded plans share their parent's title, so every
choice names its issuing unit first ("滨城区 · 深入基层…": a phone's select cuts a long title short,
so the part that tells copies apart comes first) and drafts say so."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.widgets import SearchSelect, SearchSelectMultiple
from org.models import Cadre, OrgUnit


def campaign_label(campaign) -> str:
    """``issuing unit · title`` plus the state when it is not running; the issuing unit must be loaded."""
    label = campaign.title
    if campaign.issuing_unit_id is not None:
        label = pgettext("campaign choice", "%(unit)s · %(title)s") % {
            "title": campaign.title,
            "unit": campaign.issuing_unit.name,
        }
    if campaign.status == campaign.Status.DRAFT:
        label += _("（草稿）")
    elif campaign.status == campaign.Status.CLOSED:
        label += _("（已结束）")
    return label


class CampaignChoiceField(forms.ModelChoiceField):
    """A campaign select labelled by ``campaign_label``; the issuing units come in the same query."""

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = queryset.select_related("issuing_unit")
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj):
        return campaign_label(obj)


class CampaignChoiceFilter(django_filters.ModelChoiceFilter):
    """List filters pick campaigns the same way."""

    field_class = CampaignChoiceField


def use_pickers(form, *, kinds: dict | None = None, leaders=()) -> None:
    """Render the form's unit and cadre choices as search pickers (core.widgets.SearchSelect).

    A city has thousands of units and twenty thousand cadres: a plain select would list them
    all. The picker shows the chosen one and a few, and searches the rest in the user's subtree
    (campaigns:unit_options / cadre_options). ``kinds`` limits a unit field's search to unit
    kinds ({"village": ["village"]}); ``leaders`` names cadre fields that take leaders only. The
    fields still validate against their own (scoped) querysets.
    """
    kinds = kinds or {}
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.model not in (OrgUnit, Cadre):
            continue
        if queryset.model is OrgUnit:
            params = [f"kinds={','.join(kinds[name])}"] if kinds.get(name) else []
            if field.to_field_name == "code":  # a unit named by its code (三查三看's ?unit=)
                params.append("value=code")
            url = reverse("campaigns:unit_options") + ("?" + "&".join(params) if params else "")
        else:
            url = reverse("campaigns:cadre_options") + ("?leaders=1" if name in leaders else "")
        widget_class = SearchSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else SearchSelect
        field.widget = widget_class(search_url=url, attrs=field.widget.attrs)
        field.widget.choices = field.choices
