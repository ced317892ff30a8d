"""The 三查三看 review page and its Excel export, scoped to the user's subtree."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.fields import CampaignChoiceField, use_pickers
from campaigns.models import Campaign
from campaigns.selectors import campaign_choices_for_user
from core.access import view_access
from core.audit import audit_export
from core.scoping import scope_for_user
from core.xlsx_write import xlsx_response
from org.models import OrgUnit
from pledges.models import Pledge

from .three_checks import DEFAULT_STALLED_DAYS, PAGE_ROW_LIMIT, three_checks_review, three_checks_workbook


class ThreeChecksForm(forms.Form):
    campaign = CampaignChoiceField(label=gettext_lazy("主题活动"), queryset=Campaign.objects.none(), required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位（含下级）"), queryset=OrgUnit.objects.none(), to_field_name="code", required=False
    )
    days = forms.IntegerField(
        label=gettext_lazy("停滞天数"), min_value=1, max_value=365, required=False, initial=DEFAULT_STALLED_DAYS
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaign_choices_for_user(user=user, active_only=False)
        self.fields["unit"].queryset = scope_for_user(OrgUnit.objects.all(), user)
        use_pickers(self)


def _default_campaign(campaigns, unit):
    """The campaign under which the unit's subtree made the latest committed pledge, else an active one."""
    if unit is not None:
        latest = (
            Pledge.objects.committed()
            .filter(unit.subtree_q("org_unit__"), campaign__in=campaigns)
            .order_by("-approved_at")
            .values_list("campaign_id", flat=True)
            .first()
        )
        if latest is not None:
            return campaigns.get(pk=latest)
    return campaigns.filter(status=Campaign.Status.ACTIVE).first() or campaigns.first()


def _review(request, *, row_limit=None):
    form = ThreeChecksForm(request.GET or None, user=request.user)
    # An out-of-scope unit or campaign is indistinguishable from a missing one.
    if request.GET and not form.is_valid() and ("unit" in form.errors or "campaign" in form.errors):
        raise Http404
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = data.get("unit") or form.fields["unit"].queryset.first()
    campaign = data.get("campaign") or _default_campaign(form.fields["campaign"].queryset, unit)
    if campaign is None or unit is None:
        return form, None
    review = three_checks_review(
        unit=unit, campaign=campaign, stalled_days=data.get("days") or DEFAULT_STALLED_DAYS, row_limit=row_limit
    )
    form.initial.update({"campaign": campaign.pk, "unit": unit.code, "days": review.stalled_days})
    return form, review


@view_access("pledges.view_pledge")
def three_checks(request):
    form, review = _review(request, row_limit=PAGE_ROW_LIMIT)
    return render(
        request,
        "evaluations/three_checks.html",
        {"form": form, "review": review, "query": request.GET.urlencode()},
    )


@view_access("pledges.view_pledge")
def three_checks_export(request):
    _form, review = _review(request)
    if review is None:
        raise Http404
    data = three_checks_workbook(review)
    audit_export(action="evaluations.three_checks_export", what="three_checks", rows=review.total, unit=review.unit)
    return xlsx_response(data, _("三查三看") + ".xlsx")
