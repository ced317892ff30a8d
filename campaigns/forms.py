from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core import dates
from core.scoping import scope_for_user
from org.models import OrgUnit

from .validation import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES, validate_evidence_file


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CascadeForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("下发到以下单位"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个单位。")},
    )

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        issuer = campaign.issuing_unit
        # The implementing plans that exist already, listed on the page; their units stay
        # choices so that picking one again is answered with a clear message, not "invalid choice".
        self.existing = list(
            scope_for_user(campaign.children.all(), user).select_related("issuing_unit").order_by("issuing_unit__path")
        )
        candidates = OrgUnit.objects.get_children(issuer)
        self.fields["units"].queryset = scope_for_user(candidates, user)
        self.fields["units"].label_from_instance = self._label
        self._implemented = {child.issuing_unit_id: child for child in self.existing}

    def _label(self, unit):
        if unit.pk in self._implemented:
            return _("%(unit)s（已下发）") % {"unit": unit.name}
        return unit.name

    def clean_units(self):
        units = self.cleaned_data["units"]
        duplicates = [
            _("“%(unit)s”已有实施方案“%(title)s”，不能重复下发。")
            % {"unit": unit.name, "title": self._implemented[unit.pk].title}
            for unit in units
            if unit.pk in self._implemented
        ]
        if duplicates:
            raise forms.ValidationError(duplicates)
        return units


class TemplateStartForm(forms.Form):
    issuing_unit = forms.ModelChoiceField(label=_("发文单位"), queryset=OrgUnit.objects.none())
    start_date = forms.DateField(
        label=_("新的开始日期"),
        widget=DateInput(),
        help_text=_("整个方案（阶段、环节时限、上报日期）随开始日期一起平移，例如改到另一年。"),
    )
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("留空沿用模板标题"))
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.exclude(kind=OrgUnit.Kind.VILLAGE)
        self.fields["issuing_unit"].queryset = scope_for_user(units, user)


class ShiftDatesForm(forms.Form):
    start_date = forms.DateField(
        label=_("新的开始日期"),
        widget=DateInput(),
        help_text=_("本方案的阶段和环节时限一起平移；上级和下级方案不受影响。"),
    )


class MilestoneCompletionForm(forms.Form):
    completed_on = forms.DateField(label=_("完成日期"), widget=DateInput())
    note = forms.CharField(label=_("完成情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        validators=[validate_evidence_file],
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{e}" for e in EVIDENCE_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("completed_on", dates.today())
        # Built per request, in the reader's language (a class-level "%" would freeze it at import).
        self.fields["evidence"].help_text = _("支持 %(types)s，不超过 %(size)d MB") % {
            "types": pgettext("list separator", "、").join(EVIDENCE_EXTENSIONS),
            "size": EVIDENCE_MAX_BYTES // 1024 // 1024,
        }
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's own <form> carries the htmx attributes
