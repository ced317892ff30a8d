from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaigns.fields import CampaignChoiceField, use_pickers
from campaigns.models import Campaign
from campaigns.selectors import campaign_choices_for_user
from core import dates
from core.concurrency_forms import RecordFormMixin, SubmissionTokenMixin
from core.masking import can_view_personal_data, mask_free_text_in_form, mask_id_number, mask_phone
from core.params import parse_id
from core.scoping import scope_for_user
from org.models import Cadre, OrgUnit

from .importing import IMPORTERS
from .models import Forum, Household, HouseholdCategory, HouseholdMember, Pairing, ReceptionDay
from .selectors import (
    cadres_for_user,
    campaigns_for_user,
    households_for_assignment,
    townships_for_user,
    villages_for_user,
)
from .xlsx import max_upload_bytes


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_class="btn-lg"))
    return helper


def _date_input() -> forms.DateInput:
    # <input type="date"> only accepts ISO dates; the zh-hans format (2026/04/01) would show empty.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def grouped_category_choices(categories) -> list[tuple[str, list[tuple[int, str]]]]:
    """Categories as (group label, [(pk, name)]) in the order 五必访, 六必访, 其他."""
    groups: dict[str, list[tuple[int, str]]] = {value: [] for value in HouseholdCategory.Group.values}
    for category in categories:
        groups.setdefault(category.group, []).append((category.pk, category.name))
    labels = dict(HouseholdCategory.Group.choices)
    return [(labels.get(value, value), items) for value, items in groups.items() if items]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return pgettext("name (detail)", "%(name)s（%(detail)s）") % {"name": obj.name, "detail": obj.code}


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.org_unit.name}"


class HouseholdForm(RecordFormMixin, forms.ModelForm):
    """Personal fields never carry the stored value to the page: without the permission they
    show the masked value as a hint and a blank input means "keep"."""

    village = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("村/社区"))
    categories = forms.ModelMultipleChoiceField(
        queryset=HouseholdCategory.objects.all(),
        required=False,
        label=_("类别"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Household
        fields = [
            "village",
            "number",
            "head_name",
            "members_count",
            "address",
            "phone",
            "id_number",
            "categories",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for_user(user=user)
        use_pickers(self, kinds={"village": ["village"]})
        # Checkboxes under 五必访 / 六必访 / 其他 headings; validation still uses the queryset.
        self.fields["categories"].choices = grouped_category_choices(self.fields["categories"].queryset)
        editing = self.instance.pk is not None
        if editing and not can_view_personal_data(user):
            for name, masker in (("phone", mask_phone), ("id_number", mask_id_number)):
                stored = getattr(self.instance, name)
                self.initial[name] = ""
                self.fields[name].required = False
                if stored:
                    self.fields[name].help_text = _("当前：%(v)s（留空则不修改）") % {"v": masker(stored)}
        elif editing:
            for name in ("phone", "id_number"):
                self.fields[name].help_text = _("留空则不修改")
                self.initial[name] = ""
        mask_free_text_in_form(self, user=user, instance=self.instance)
        self.helper = _helper(_("保存"))

    def clean_id_number(self):
        return (self.cleaned_data.get("id_number") or "").strip().upper()

    def household_data(self) -> dict:
        """The household's own fields as typed (categories are saved apart, by the service)."""
        return {k: v for k, v in self.typed_data.items() if k != "categories"}

    def _post_clean(self):
        # Blank personal fields on edit mean "keep": validate the value that will be stored.
        for name in ("phone", "id_number"):
            if self.instance.pk and not self.cleaned_data.get(name):
                self.cleaned_data[name] = getattr(self.instance, name)
        super()._post_clean()


class HouseholdFilterForm(forms.Form):
    village = UnitChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("村/社区"))
    category = forms.ModelChoiceField(queryset=HouseholdCategory.objects.all(), required=False, label=_("类别"))
    q = forms.CharField(required=False, label=_("户主姓名/户号/住址"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for_user(user=user)
        use_pickers(self, kinds={"village": ["village"]})


class MemberForm(RecordFormMixin, forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "birth_year", "is_poor_woman", "is_poor_child", "is_left_behind_child"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("保存"))


class PairingForm(SubmissionTokenMixin, forms.Form):
    campaign = CampaignChoiceField(queryset=Campaign.objects.none(), label=_("主题活动"))
    cadre = CadreChoiceField(queryset=Cadre.objects.none(), label=_("干部"))
    kind = forms.ChoiceField(choices=Pairing.Kind.choices, label=_("帮扶形式"))
    member = forms.ModelChoiceField(
        queryset=HouseholdMember.objects.none(), required=False, label=_("帮扶对象（可选）")
    )
    start_date = forms.DateField(label=_("开始日期"), widget=_date_input())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=_date_input())

    def __init__(self, *args, user, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user, active_only=True)
        self.fields["cadre"].queryset = cadres_for_user(user=user)
        self.fields["member"].queryset = household.members.all()
        use_pickers(self)
        self.helper = _helper(_("结对"))


class PairingEndForm(forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=_date_input())


class PairingFilterForm(forms.Form):
    campaign = CampaignChoiceField(queryset=Campaign.objects.none(), required=False, label=_("主题活动"))
    kind = forms.ChoiceField(choices=[("", _("全部形式")), *Pairing.Kind.choices], required=False, label=_("帮扶形式"))
    active = forms.ChoiceField(
        choices=[("", _("全部")), ("1", _("有效")), ("0", _("已结束"))], required=False, label=_("状态")
    )
    mine = forms.BooleanField(required=False, label=_("只看我的结对"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user)
        # Offered to users who are cadres themselves (who can be paired with households).
        self.cadre = Cadre.objects.filter(user=user).first() if user.is_authenticated else None
        if self.cadre is None:
            del self.fields["mine"]


class BulkFilterForm(forms.Form):
    campaign = CampaignChoiceField(queryset=Campaign.objects.none(), label=_("主题活动"))
    village = UnitChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("村/社区"))
    category = forms.ModelChoiceField(queryset=HouseholdCategory.objects.all(), required=False, label=_("类别"))
    unpaired = forms.BooleanField(required=False, initial=True, label=_("只看未结对的户"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user, active_only=True)
        self.fields["village"].queryset = villages_for_user(user=user)
        use_pickers(self, kinds={"village": ["village"]})

    def households(self, *, user, limit: int) -> list:
        """The first ``limit`` households the filter finds (call after is_valid)."""
        data = self.cleaned_data
        households = households_for_assignment(
            user=user,
            village=data.get("village"),
            category=data.get("category"),
            campaign=data["campaign"],
            unpaired_only=data.get("unpaired"),
        )
        return list(households[:limit])


class BulkAssignForm(forms.Form):
    campaign = CampaignChoiceField(queryset=Campaign.objects.none(), label=_("主题活动"))
    cadre = CadreChoiceField(queryset=Cadre.objects.none(), label=_("干部"))
    kind = forms.ChoiceField(choices=Pairing.Kind.choices, label=_("帮扶形式"))
    start_date = forms.DateField(label=_("开始日期"), widget=_date_input())
    households = forms.ModelMultipleChoiceField(queryset=Household.objects.none(), label=_("农户"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user, active_only=True)
        self.fields["cadre"].queryset = cadres_for_user(user=user)
        self.fields["households"].queryset = Household.objects.for_user(user)
        use_pickers(self)


class SuggestForm(forms.Form):
    campaign = CampaignChoiceField(queryset=Campaign.objects.none(), label=_("主题活动"))
    township = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("乡镇/街道"))
    kind = forms.ChoiceField(choices=Pairing.Kind.choices, label=_("帮扶形式"))
    start_date = forms.DateField(label=_("开始日期"), widget=_date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user, active_only=True)
        self.fields["township"].queryset = townships_for_user(user=user)
        use_pickers(self, kinds={"township": ["township"]})


class LiaisonPointForm(forms.Form):
    campaign = CampaignChoiceField(queryset=Campaign.objects.none(), label=_("主题活动"))
    village = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("联系村/社区"))
    leader = CadreChoiceField(queryset=Cadre.objects.none(), required=False, label=_("联系领导"))
    unit = UnitChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("联系单位"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user)
        self.fields["village"].queryset = villages_for_user(user=user)
        self.fields["leader"].queryset = cadres_for_user(user=user).filter(is_leader=True)
        self.fields["unit"].queryset = OrgUnit.objects.for_user(user).exclude(kind=OrgUnit.Kind.VILLAGE)
        not_villages = [kind for kind in OrgUnit.Kind.values if kind != OrgUnit.Kind.VILLAGE]
        use_pickers(self, kinds={"village": ["village"], "unit": not_villages}, leaders=["leader"])
        self.helper = _helper(_("保存"))

    def clean(self):
        data = super().clean()
        if not data.get("leader") and not data.get("unit"):
            raise forms.ValidationError(_("请选择联系领导或联系单位。"))
        return data


def picked_assignments(values) -> list[tuple[int, int]]:
    """The ticked suggestion rows (``"<household id>:<cadre id>"``) as id pairs; malformed ones are dropped."""
    assignments = []
    for value in values:
        household_id, _sep, cadre_id = value.partition(":")
        if parse_id(household_id) and parse_id(cadre_id):
            assignments.append((parse_id(household_id), parse_id(cadre_id)))
    return assignments


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, cls.title) for k, cls in IMPORTERS.items()], label=_("导入内容"), widget=forms.RadioSelect
    )
    campaign = CampaignChoiceField(
        queryset=Campaign.objects.none(), required=False, label=_("主题活动（导入结对帮扶时必选）")
    )
    file = forms.FileField(
        label=_("电子表格文件（.xlsx、.xls、.ods）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for_user(user=user, active_only=True)
        self.fields["file"].help_text = _(
            "可上传 Excel 或 WPS 的 .xlsx、.xls，或 .ods，最大 %(mb)d MB；不接受含宏的文件。"
        ) % {"mb": max_upload_bytes() // 1048576}
        self.helper = _helper(_("上传并检查"))

    def refuse_cut_off_file(self, message: str) -> None:
        """The file was cut off while streaming: say why instead of "this field is required"."""
        self.is_valid()
        self.errors.pop("file", None)
        self.add_error("file", message)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "pairings" and not data.get("campaign"):
            self.add_error("campaign", _("导入结对帮扶时请选择主题活动。"))
        upload = data.get("file")
        if upload is not None and upload.size > max_upload_bytes():
            self.add_error("file", _("文件过大，上限为 %(mb)d MB。") % {"mb": max_upload_bytes() // 1048576})
        return data


class ForumForm(RecordFormMixin, forms.ModelForm):
    class Meta:
        model = Forum
        fields = [
            "village",
            "campaign",
            "title",
            "held_at",
            "place",
            "leading_cadres",
            "notice_posted_on",
            "attendance",
            "attendee_list",
            "summary",
        ]
        widgets = {
            "held_at": _datetime_input(),
            "notice_posted_on": _date_input(),
            "attendee_list": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "leading_cadres": forms.SelectMultiple(attrs={"size": 5}),
        }
        field_classes = {"campaign": CampaignChoiceField}
        error_messages = {
            "held_at": {"required": _("请填写举行时间。"), "invalid": _("请输入有效的日期时间。")},
            "place": {"required": _("请填写地点。")},
            "village": {"required": _("请选择村/社区。")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope_for_user(OrgUnit.objects.all(), user).filter(kind=OrgUnit.Kind.VILLAGE)
        self.fields["campaign"].queryset = campaign_choices_for_user(user=user, keep=self.instance.campaign_id)
        # 由党政负责人带队 (plan 001): the choices are the leaders the user can see, not every cadre.
        self.fields["leading_cadres"].queryset = scope_for_user(Cadre.objects.filter(is_leader=True), user)
        use_pickers(self, kinds={"village": ["village"]}, leaders=["leading_cadres"])
        mask_free_text_in_form(self, user=user, instance=self.instance)

    def clean(self):
        data = super().clean()
        held_at, posted = data.get("held_at"), data.get("notice_posted_on")
        if held_at and posted and posted > dates.day_of(held_at):
            self.add_error("notice_posted_on", _("预告张贴日期不能晚于访谈日。"))
        return data


class ReceptionDayForm(RecordFormMixin, forms.ModelForm):
    class Meta:
        model = ReceptionDay
        fields = ["leader", "campaign", "held_on", "channel", "place", "visitors_count", "notes"]
        widgets = {"held_on": _date_input(), "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"campaign": CampaignChoiceField}
        error_messages = {
            "leader": {"required": _("请选择接待领导。")},
            "held_on": {"required": _("请填写接待日期。")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = scope_for_user(Cadre.objects.all(), user).filter(is_leader=True)
        self.fields["campaign"].queryset = campaign_choices_for_user(user=user, keep=self.instance.campaign_id)
        self.fields["place"].help_text = _("现场接待填地点，热线填号码（如 12338），网上接待填平台")
        use_pickers(self, leaders=["leader"])
        mask_free_text_in_form(self, user=user, instance=self.instance)
