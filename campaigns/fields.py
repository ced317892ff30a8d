"""The one way a form offers a campaign: cascaded plans share their parent's title, so every
choice names its issuing unit first ("滨城区 · 深入基层…": a phone's select cuts a long title short,
so the part that tells copies apart comes first) and drafts say so."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


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
