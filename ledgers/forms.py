"""Forms for the staff pages. Choice querysets are limited to what the user may see."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaigns.fields import CampaignChoiceField, use_pickers
from campaigns.models import Campaign
from campaigns.selectors import campaign_choices_for_user
from core import dates
from core.concurrency_forms import SubmissionTokenMixin, VersionMixin
from core.masking import can_view_personal_data, keep_masked_numbers, mask_free_text_in_form, mask_text
from core.params import parse_id
from core.scoping import ancestor_paths, scope_for_user
from org.models import Cadre, OrgUnit
from outreach.models import Household, HouseholdMember

from .date_rules import validate_visit_date
from .models import Demand, DemandCategory, HelpGiven, LedgerBook, Visit, VisitPhoto
from .selectors import demand_owner_choices
from .services import MAX_HELP_ITEMS, MAX_VISIT_PHOTOS, VISIT_EDITABLE_FIELDS, DemandDraft
from .validators import validate_photo

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, max_files=MAX_VISIT_PHOTOS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(_("一次最多上传 %(n)s 张照片。") % {"n": self.max_files})
        cleaned = []
        for item in files:
            cleaned_item = super().clean(item, initial)
            validate_photo(cleaned_item)
            cleaned.append(cleaned_item)
        return cleaned


def _campaigns_for(user, keep=None):
    return campaign_choices_for_user(user=user, keep=keep)


class KnownModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that answers from objects the request already holds, without a query.

    ``known`` must only hold objects of the field's (scoped) queryset: the user's own cadre is
    always in the user's subtree, so the usual choice, "me", costs nothing.
    """

    known = ()

    def to_python(self, value):
        for obj in self.known:
            if value not in self.empty_values and str(obj.pk) == str(value):
                return obj
        return super().to_python(value)


class VisitFieldsForm(forms.Form):
    """What a visit records, shared by the entry and the correction forms."""

    member = forms.ModelChoiceField(
        label=_("走访对象"), queryset=HouseholdMember.objects.none(), required=False, empty_label=_("（户主/全户）")
    )
    cadre = KnownModelChoiceField(label=_("走访干部"), queryset=Cadre.objects.none())
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE_INPUT)
    method = forms.ChoiceField(label=_("走访方式"), choices=Visit.Method.choices)
    ledger_book = forms.ChoiceField(label=_("台账类别"), choices=LedgerBook.choices)
    campaign = CampaignChoiceField(
        label=_("主题活动"), queryset=Campaign.objects.none(), required=False, empty_label=_("（不属于主题活动）")
    )
    learned = forms.CharField(
        label=_("了解情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写了解到的情况。")},
    )
    needs = forms.CharField(label=_("群众需求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class VisitEntryForm(SubmissionTokenMixin, VisitFieldsForm):
    """The fast entry form: one visit, photos and an inline demand (help items: HelpItemFormSet)."""

    field_order = ["household"]
    token_required = True

    household = forms.ModelChoiceField(
        queryset=Household.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("请先搜索并选择走访的农户。"),
            "invalid_choice": _("所选农户不存在或不在您的管辖范围内。"),
        },
    )
    photos = MultiplePhotoField(label=_("照片"), required=False, help_text=_("JPG/PNG/WebP，每张不超过 5 MB"))
    raise_demand = forms.BooleanField(label=_("提出诉求"), required=False)
    demand_category = forms.ModelChoiceField(
        label=_("诉求类别"), queryset=DemandCategory.objects.filter(is_active=True), required=False
    )
    demand_title = forms.CharField(label=_("诉求摘要"), max_length=100, required=False)
    demand_description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, cadre=None, last_method=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["household"].queryset = scope_for_user(Household.objects.all(), user).select_related("village")
        self.fields["member"].queryset = scope_for_user(HouseholdMember.objects.all(), user)
        self.fields["cadre"].queryset = scope_for_user(Cadre.objects.all(), user)
        if cadre is not None:
            self.fields["cadre"].known = (cadre,)
        use_pickers(self)
        campaigns = _campaigns_for(user)
        self.fields["campaign"].queryset = campaigns
        if not self.is_bound:
            self.initial.setdefault("visited_on", dates.today())
            self.initial.setdefault("method", last_method or Visit.Method.HOME)
            self.initial.setdefault("ledger_book", LedgerBook.MINQING)
            if cadre is not None:
                self.initial.setdefault("cadre", cadre.pk)
            first = campaigns.order_by("-start_date").first()
            if first is not None:
                self.initial.setdefault("campaign", first.pk)

    def clean(self):
        data = super().clean()
        _check_visit_date(self, data)
        household, member = data.get("household"), data.get("member")
        if household and member and member.household_id != household.pk:
            self.add_error("member", _("走访对象不是该户的家庭成员。"))
        if data.get("raise_demand"):
            if not data.get("demand_category"):
                self.add_error("demand_category", _("请选择诉求类别。"))
            if not (data.get("demand_title") or "").strip():
                self.add_error("demand_title", _("请填写诉求摘要。"))
        return data

    def visit_record_kwargs(self) -> dict:
        """The arguments of services.visit_record from the valid form (help items come from their formset)."""
        data = self.cleaned_data
        draft = None
        if data.get("raise_demand"):
            draft = DemandDraft(
                category=data["demand_category"],
                title=data["demand_title"],
                description=data.get("demand_description", ""),
            )
        return {
            "cadre": data["cadre"],
            "household": data["household"],
            "member": data.get("member"),
            "visited_on": data["visited_on"],
            "method": data["method"],
            "ledger_book": data["ledger_book"],
            "campaign": data.get("campaign"),
            "learned": data["learned"],
            "needs": data.get("needs", ""),
            "photos": data.get("photos") or [],
            "demand": draft,
            "idempotency_key": data["token"],
        }


def _check_visit_date(form, data) -> None:
    day = data.get("visited_on")
    if day is not None:
        try:
            validate_visit_date(day, campaign=data.get("campaign"))
        except ValidationError as exc:
            form.add_error("visited_on", exc)


class HelpItemForm(forms.Form):
    """One help item of a visit (a visit may record several: 慰问 and 助学 on one call).

    Eight rows of three fields on every entry page: they are drawn by a plain template
    (ledgers/partials/_help_field.html) with Bootstrap's classes set here, not by crispy, whose
    per-field template took most of the page's rendering time.
    """

    kind = forms.ChoiceField(
        label=_("帮扶措施"),
        choices=[("", _("（无）")), *HelpGiven.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = forms.DecimalField(
        label=_("金额（元）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"min_value": _("金额不能为负数。"), "invalid": _("请输入有效的金额。")},
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    description = forms.CharField(
        label=_("帮扶内容"), required=False, max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def clean(self):
        data = super().clean()
        if not data.get("kind") and (data.get("amount") is not None or (data.get("description") or "").strip()):
            self.add_error("kind", _("填写了金额或内容，请选择帮扶措施。"))
        return data


class BaseHelpItemFormSet(forms.BaseFormSet):
    def help_items(self) -> list[dict]:
        return [
            {
                "kind": f.cleaned_data["kind"],
                "amount": f.cleaned_data.get("amount"),
                "description": f.cleaned_data.get("description", ""),
            }
            for f in self.forms
            if f.cleaned_data.get("kind")
        ]


# Always MAX_HELP_ITEMS rows: the page shows the filled ones and one empty row, and reveals more.
HelpItemFormSet = forms.formset_factory(
    HelpItemForm,
    formset=BaseHelpItemFormSet,
    extra=MAX_HELP_ITEMS,
    max_num=MAX_HELP_ITEMS,
    absolute_max=MAX_HELP_ITEMS,
    validate_max=True,
)


def help_formset(data=None, *, visit=None, user=None):
    initial = None
    if visit is None:
        return HelpItemFormSet(data, initial=initial, prefix="help")
    items = list(visit.help_items.all())
    masked = not can_view_personal_data(user)
    initial = [
        {"kind": h.kind, "amount": h.amount, "description": mask_text(h.description) if masked else h.description}
        for h in items
    ]
    formset = HelpItemFormSet(data, initial=initial, prefix="help")
    if masked:
        # Rows are saved again in order: a mask left as it was keeps the stored number of its row.
        for form, item in zip(formset.forms, items, strict=False):
            keep_masked_numbers(form.fields["description"], item.description)
    return formset


class VisitEditForm(VersionMixin, VisitFieldsForm):
    """Correcting a visit: the household stays; the hidden ``version`` makes a stale form detectable."""

    remove_photos = forms.ModelMultipleChoiceField(
        label=_("删除照片"),
        queryset=VisitPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("要删除的照片不属于这条走访记录。")},
    )
    photos = MultiplePhotoField(label=_("添加照片"), required=False)

    def __init__(self, *args, user, visit, **kwargs):
        self.visit = self.instance = visit
        super().__init__(*args, **kwargs)
        self.existing_photos = list(visit.photos.all())
        self.fields["remove_photos"].queryset = visit.photos.all()
        # Set per request: a lazy string formatted at import would freeze the language.
        self.fields["photos"].help_text = _("JPG/PNG/WebP，每张不超过 5 MB；每条走访记录最多 %(n)s 张") % {
            "n": MAX_VISIT_PHOTOS
        }
        self.fields["member"].queryset = visit.household.members.all()
        self.fields["cadre"].queryset = scope_for_user(Cadre.objects.all(), user) | Cadre.objects.filter(
            pk=visit.cadre_id
        )
        # A visit of a campaign that has ended keeps its campaign as a choice.
        self.fields["campaign"].queryset = _campaigns_for(user, keep=visit.campaign_id)
        use_pickers(self)
        if not self.is_bound:
            self.initial.update({name: getattr(visit, name) for name in VISIT_EDITABLE_FIELDS})
            self.initial["member"] = visit.member_id
            self.initial["cadre"] = visit.cadre_id
            self.initial["campaign"] = visit.campaign_id
        mask_free_text_in_form(self, user=user, instance=visit)

    def clean(self):
        data = super().clean()
        # As visit_update: an old visit keeps its date while its notes are corrected.
        if data.get("visited_on") != self.visit.visited_on or data.get("campaign") != self.visit.campaign:
            _check_visit_date(self, data)
        return data

    def fields_to_save(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in VISIT_EDITABLE_FIELDS}

    def visit_update_kwargs(self) -> dict:
        """The arguments of services.visit_update from the valid form (help items come from their formset)."""
        return {
            "fields": self.fields_to_save(),
            "expected_version": self.loaded_version,
            "add_photos": self.cleaned_data["photos"],
            "remove_photo_ids": [photo.pk for photo in self.cleaned_data["remove_photos"]],
        }


class VisitDeleteForm(VersionMixin, forms.Form):
    reason = forms.CharField(
        label=_("删除原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": _("请说明删除原因。")},
    )

    def __init__(self, *args, visit, **kwargs):
        self.instance = visit
        super().__init__(*args, **kwargs)


class DemandDraftForm(SubmissionTokenMixin, forms.Form):
    """A demand raised from a forum, a reception day, or on its own (hotline, mailbox, walk-in)."""

    token_required = True
    category = forms.ModelChoiceField(
        label=_("诉求类别"),
        queryset=DemandCategory.objects.filter(is_active=True),
        error_messages={"required": _("请选择诉求类别。")},
    )
    title = forms.CharField(label=_("诉求摘要"), max_length=100, error_messages={"required": _("请填写诉求摘要。")})
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    person_name = forms.CharField(label=_("当事人"), max_length=50, required=False)
    person_phone = forms.CharField(label=_("当事人电话"), max_length=20, required=False)
    household_number = forms.CharField(
        label=_("户号（可选）"), max_length=32, required=False, help_text=_("当事人在登记册中时填写，按户号关联农户")
    )

    def __init__(self, *args, user, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.village = village

    def clean(self):
        data = super().clean()
        number = (data.get("household_number") or "").strip()
        data["household"] = None
        if number:
            households = scope_for_user(Household.objects.all(), self.user).filter(number=number)
            if self.village is not None:
                households = households.filter(village=self.village)
            found = list(households[:2])
            if len(found) != 1:
                self.add_error("household_number", _("找不到唯一的该户号农户，请核对或留空。"))
            else:
                data["household"] = found[0]
        if not data.get("household") and not (data.get("person_name") or "").strip():
            self.add_error("person_name", _("请填写当事人姓名或户号。"))
        return data


class StandaloneDemandForm(DemandDraftForm):
    """A demand received outside a visit: hotline, mailbox or a walk-in at the office."""

    source = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (Demand.Source.HOTLINE, Demand.Source.HOTLINE.label),
            (Demand.Source.MAILBOX, Demand.Source.MAILBOX.label),
            (Demand.Source.WALK_IN, Demand.Source.WALK_IN.label),
        ],
    )
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=OrgUnit.objects.none())
    received_on = forms.DateField(label=_("受理日期"), widget=DATE_INPUT)
    campaign = CampaignChoiceField(label=_("主题活动"), queryset=Campaign.objects.none(), required=False)

    field_order = ["source", "unit", "received_on", "campaign", "category", "title", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = scope_for_user(OrgUnit.objects.all(), user)
        self.fields["campaign"].queryset = _campaigns_for(user)
        use_pickers(self)
        if not self.is_bound:
            self.initial.setdefault("received_on", dates.today())

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > dates.today():
            raise forms.ValidationError(_("受理日期不能晚于今天。"))
        return value


def _name_and_unit(cadre):
    return pgettext("name (detail)", "%(name)s（%(detail)s）") % {"name": cadre.name, "detail": cadre.org_unit.name}


def kept_text(form) -> list[tuple]:
    """(label, text) of what was typed into ``form``'s text areas: shown when its action is no
    longer possible, so nothing typed is lost."""
    return [
        (field.label, field.value())
        for field in form
        if isinstance(field.field.widget, forms.Textarea) and (field.value() or "").strip()
    ]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ResolveForm(VersionedForm):
    resolution = forms.CharField(
        label=_("办理结果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写办理结果。")},
    )
    resolved_on = forms.DateField(label=_("办结日期"), widget=DATE_INPUT, required=False)


class PlaceOnLedgerForm(VersionedForm):
    tier = forms.ChoiceField(label=_("整改层级"), choices=Demand.Tier.choices)
    deadline = forms.DateField(
        label=_("办结时限"), widget=DATE_INPUT, error_messages={"required": _("请填写办结时限。")}
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=OrgUnit.objects.none(), error_messages={"required": _("请选择责任单位。")}
    )
    responsible_person = forms.ModelChoiceField(
        label=_("责任人"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_("责任单位或其下级单位的干部"),
        error_messages={"invalid_choice": _("所选责任人不属于责任单位或其下级单位。")},
    )
    coordinator = forms.ModelChoiceField(label=_("协调人"), queryset=Cadre.objects.none(), required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, demand=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = scope_for_user(OrgUnit.objects.all(), user)
        cadres = scope_for_user(Cadre.objects.all(), user).select_related("org_unit")
        if demand is not None:
            # Owners come from around the demand (its township's subtree and the units above it),
            # not from the whole city: a city office would otherwise get 20,000 names to choose from.
            base = OrgUnit.objects.get_parent(demand.unit) if demand.unit.kind == OrgUnit.Kind.VILLAGE else demand.unit
            base = base or demand.unit
            near = base.subtree_q() | Q(path__in=ancestor_paths(base))
            units = units.filter(near)
            cadres = cadres.filter(base.subtree_q("org_unit__") | Q(org_unit__path__in=ancestor_paths(base)))
        self.fields["responsible_unit"].queryset = units
        # Who must finish it is one of the chosen unit's cadres (reloaded by htmx when the unit
        # changes); demand_flow refuses anyone else whatever the form offers.
        chosen = self._chosen_unit(units)
        self.fields["responsible_person"].queryset = demand_owner_choices(user=user, unit=chosen)
        self.fields["responsible_person"].label_from_instance = _name_and_unit
        self.fields["coordinator"].queryset = cadres
        if demand is not None:
            self.fields["responsible_unit"].widget.attrs.update(
                {
                    "hx-get": reverse("ledgers:demand_person_options", kwargs={"pk": demand.pk}),
                    "hx-target": f"#{self['responsible_person'].auto_id}",
                    "hx-trigger": "change",
                }
            )

    def _chosen_unit(self, units):
        name = "responsible_unit"
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        raw = getattr(raw, "pk", raw)
        unit_id = parse_id(raw)
        return units.filter(pk=unit_id).first() if unit_id else None

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < dates.today():
            raise forms.ValidationError(_("办结时限不能早于今天。"))
        return value


class AssignForm(PlaceOnLedgerForm):
    tier = None
    deadline = forms.DateField(label=_("办结时限"), widget=DATE_INPUT, required=False)
    responsible_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=OrgUnit.objects.none(), error_messages={"required": _("请选择责任单位。")}
    )

    def clean_deadline(self):
        value = self.cleaned_data.get("deadline")
        if value is not None and value < dates.today():
            raise forms.ValidationError(_("办结时限不能早于今天。"))
        return value


class ProgressForm(VersionedForm):
    note = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写进展情况。")},
    )


class ReplyForm(VersionedForm):
    replied_on = forms.DateField(label=_("回复日期"), widget=DATE_INPUT)
    channel = forms.ChoiceField(label=_("回复方式"), choices=Demand.ReplyChannel.choices)
    reply_text = forms.CharField(
        label=_("书面回复内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写书面回复内容。")},
    )
    copy_office = forms.BooleanField(label=_("抄送活动办公室"), required=False, initial=True)
    copy_liaison = forms.BooleanField(label=_("抄送挂点单位"), required=False, initial=True)
    copy_village = forms.BooleanField(label=_("抄送村（居）"), required=False, initial=True)

    def clean_replied_on(self):
        value = self.cleaned_data["replied_on"]
        if value > dates.today():
            raise forms.ValidationError(_("回复日期不能晚于今天。"))
        return value


class CloseForm(VersionedForm):
    note = forms.CharField(label=_("销号说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label=_("重新办理原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("重新办理必须说明原因。")},
    )


ACTION_FORMS = {
    "resolve_on_spot": ResolveForm,
    "place_on_ledger": PlaceOnLedgerForm,
    "assign": AssignForm,
    "progress": ProgressForm,
    "resolve": ResolveForm,
    "reply": ReplyForm,
    "close": CloseForm,
    "reopen": ReopenForm,
}
USER_SCOPED_FORMS = (PlaceOnLedgerForm,)
