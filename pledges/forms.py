"""Forms and list filters for pledges. Every choice list is limited to what the user may see."""

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaigns.fields import CampaignChoiceField, CampaignChoiceFilter
from campaigns.models import Campaign
from campaigns.selectors import campaign_choices_for_user
from core import dates
from core.concurrency_forms import RecordFormMixin, SubmissionTokenMixin
from core.masking import mask_free_text_in_form, validate_public_text
from core.params import parse_id
from core.scoping import scope_for_user
from core.widgets import DateInput
from org.models import Cadre, OrgUnit

from .models import Pledge, PledgeAmendment, PledgeCategory
from .origins import origin_options
from .services import EDITABLE_FIELDS, PUBLIC_TEXT_FIELDS, campaign_refusal
from .validators import validate_evidence_photo, validate_pledge_deadline

PUBLIC_HINT = _("将在公示栏公开：请勿填写群众姓名、电话、身份证号。")


def add_public_text_validators(form) -> None:
    """The fields the public board shows refuse numbers (core.masking.validate_public_text)."""
    for name in PUBLIC_TEXT_FIELDS:
        if name in form.fields:
            form.fields[name].validators.append(validate_public_text)


class _CrispyMixin:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PledgeForm(RecordFormMixin, _CrispyMixin, forms.ModelForm):
    class Meta:
        model = Pledge
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "deadline": DateInput(),
            "content": forms.Textarea(attrs={"rows": 3}),
            "target": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"campaign": CampaignChoiceField}
        help_texts = {
            "title": PUBLIC_HINT,
            "content": PUBLIC_HINT,
            "recipients": _("仅内部可见，不在公示栏显示。"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
        add_public_text_validators(self)
        mask_free_text_in_form(self, user=user, instance=self.instance)
        self.fields["deadline"].widget.format = "%Y-%m-%d"
        self.fields["campaign"].queryset = campaign_choices_for_user(user=user, keep=self.instance.campaign_id)
        units = scope_for_user(OrgUnit.objects.all(), user)
        self.fields["org_unit"].queryset = units
        self.fields["responsible_unit"].queryset = units
        self.fields["category"].queryset = PledgeCategory.objects.filter(is_active=True)
        if not self.instance.pk:
            root = next(iter(units[:1]), None)
            self.initial.setdefault("org_unit", root)
            self.initial.setdefault("responsible_unit", root)
        # A city has thousands of cadres: offer those of the chosen responsible unit only, and
        # reload the list (htmx) when the unit changes.
        self.fields["responsible_person"].queryset = responsible_person_choices(
            user=user, unit=self._chosen_responsible_unit(units)
        )
        self.fields["responsible_person"].label_from_instance = lambda c: (
            pgettext("name (detail)", "%(name)s（%(detail)s）")
            % {
                "name": c.name,
                "detail": c.org_unit.name,
            }
        )
        self._setup_origin(user)
        self.fields["responsible_unit"].widget.attrs.update(
            {
                "hx-get": reverse("pledges:pledge_person_options"),
                "hx-target": "#id_responsible_person",
                "hx-trigger": "change",
            }
        )

    def clean(self):
        data = super().clean()
        refusal = campaign_refusal(campaign=data.get("campaign"), org_unit=data.get("org_unit"))
        if refusal:
            self.add_error("campaign", refusal)
        deadline = data.get("deadline")
        if deadline is not None:
            try:
                validate_pledge_deadline(deadline, new=deadline != self.instance.deadline)
            except ValidationError as exc:
                self.add_error("deadline", exc)
        return data

    def _setup_origin(self, user):
        """The origin is picked from a select of what the user may name, reloaded (htmx) when the
        kind or the campaign changes; never a typed id."""
        kind = self._chosen_value("origin_kind") or Pledge.OriginKind.NONE
        campaign_id = self._chosen_value("campaign")
        campaign_id = parse_id(campaign_id)
        campaign = self.fields["campaign"].queryset.filter(pk=campaign_id).first() if campaign_id else None
        keep = parse_id(self._chosen_value("origin_object_id"))
        choices = origin_options(kind=kind, user=user, campaign=campaign, keep=keep)
        self.fields["origin_object_id"] = forms.TypedChoiceField(
            label=_("来源事项"),
            choices=[("", "---------"), *choices],
            coerce=int,
            required=False,
            empty_value=None,
            help_text=_("先选择来源类型，再从本单位及下级单位的诉求、座谈会或方案环节中选择。"),
        )
        options_url = reverse("pledges:pledge_origin_options")
        for name, other in (("origin_kind", "origin_kind,campaign"), ("campaign", "origin_kind,campaign")):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": options_url,
                    "hx-target": "#id_origin_object_id",
                    "hx-trigger": "change",
                    "hx-include": ",".join(f"[name='{n}']" for n in other.split(",")),
                }
            )

    def _chosen_value(self, name):
        """What the form is about to show for ``name``: the posted value, else initial, else the instance's."""
        if self.is_bound:
            return self.data.get(name) or None
        attribute = "campaign_id" if name == "campaign" else name
        value = self.initial.get(name, getattr(self.instance, attribute, None))
        return getattr(value, "pk", value)

    def _chosen_responsible_unit(self, units):
        raw = self.data.get("responsible_unit") if self.is_bound else None
        if raw:
            unit_id = parse_id(raw)
            return units.filter(pk=unit_id).first() if unit_id else None
        initial = self.initial.get("responsible_unit") or getattr(self.instance, "responsible_unit", None)
        if isinstance(initial, OrgUnit):
            return initial
        return units.filter(pk=initial).first() if initial else None


def responsible_person_choices(*, user, unit):
    """Cadres of ``unit`` and below that the user may see (none without a unit)."""
    if unit is None:
        return Cadre.objects.none()
    cadres = Cadre.objects.select_related("org_unit").filter(org_unit__path__startswith=unit.path)
    return scope_for_user(cadres, user).order_by("org_unit__path", "name")


class PledgeTransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("submit", "approve", "return", "publish")])
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PledgeWithdrawForm(_CrispyMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("记入审计记录和台帐，不在公示栏显示。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class PledgeAmendmentForm(SubmissionTokenMixin, _CrispyMixin, forms.Form):
    field = forms.ChoiceField(label=_("变更项目"), choices=PledgeAmendment.Field.choices)
    new_text = forms.CharField(
        label=_("新的承诺内容或完成目标"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_public_text],
    )
    new_deadline = forms.DateField(label=_("新的办理时限"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("变更理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PUBLIC_HINT,
        validators=[validate_public_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()

    def clean(self):
        data = super().clean()
        if data.get("field") == PledgeAmendment.Field.DEADLINE:
            if not data.get("new_deadline"):
                self.add_error("new_deadline", _("请填写新的办理时限。"))
            else:
                try:
                    validate_pledge_deadline(data["new_deadline"], new=True)
                except ValidationError as exc:
                    self.add_error("new_deadline", exc)
            data["new_value"] = data.get("new_deadline")
        else:
            if not (data.get("new_text") or "").strip():
                self.add_error("new_text", _("请填写新内容。"))
            data["new_value"] = data.get("new_text")
        return data


class PledgeProgressForm(SubmissionTokenMixin, _CrispyMixin, forms.Form):
    reported_on = forms.DateField(label=_("进展日期"), widget=DateInput())
    percent = forms.IntegerField(label=_("完成进度(%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("填 100% 即为完成，请写明完成情况；填 0% 请说明未启动的原因。"),
    )
    photo = forms.FileField(
        label=_("佐证照片"),
        required=False,
        help_text=_("可选，JPG/PNG/WebP，不超过 5 MB。"),
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_evidence_photo],
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, pledge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
        self.initial.setdefault("reported_on", dates.today())
        if pledge is not None:
            self.initial.setdefault("percent", pledge.percent)
        self.fields["reported_on"].widget.format = "%Y-%m-%d"


def _unit_choices(request):
    if request is None:
        return OrgUnit.objects.none()
    return scope_for_user(OrgUnit.objects.all(), request.user)


def _campaign_choices(request):
    if request is None:
        return Campaign.objects.none()
    return campaign_choices_for_user(user=request.user, active_only=False)


class PledgeFilter(django_filters.FilterSet):
    """Filters of the 办实事台帐; ``unit`` means the unit and everything below it."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    campaign = CampaignChoiceFilter(label=_("主题活动"), queryset=_campaign_choices)
    unit = django_filters.ModelChoiceFilter(label=_("单位（含下级）"), queryset=_unit_choices, method="filter_unit")
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=PledgeCategory.objects.all())
    approval_state = django_filters.ChoiceFilter(label=_("审批状态"), choices=Pledge.ApprovalState.choices)
    status = django_filters.ChoiceFilter(label=_("办理状态"), choices=Pledge.Status.choices)
    visibility = django_filters.ChoiceFilter(label=_("公开方式"), choices=Pledge.Visibility.choices)
    deadline_from = django_filters.DateFilter(
        label=_("时限自"), field_name="deadline", lookup_expr="gte", widget=DateInput()
    )
    deadline_to = django_filters.DateFilter(
        label=_("时限至"), field_name="deadline", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Pledge
        fields = []

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_unit__path__startswith=value.path)
