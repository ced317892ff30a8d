from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from import_export.admin import ImportExportMixin

from core import dates
from core.admin import ScopedAdminMixin, ScopedModelAdmin
from core.audit import audit_export
from core.import_formats import ImportFormatsMixin
from core.scoping import scope_for_user, sees_everything
from org.models import OrgUnit

from . import services
from .forms import CascadeForm, ShiftDatesForm, TemplateStartForm
from .models import Campaign, Milestone, MilestoneAssignment, Phase, Requirement
from .permissions import campaign_can_edit, campaign_require_edit, campaigns_editable_by
from .resources import MilestoneResource, RequirementResource
from .validation import validate_phase_ranges


class PhaseFormSet(BaseInlineFormSet):
    """All phases of a campaign checked together: inside its dates, no overlaps (Chinese errors)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The whole edited set is checked in clean() below; a row must not be checked against
        # its siblings as stored (they may be changing in the same submission).
        form.instance.check_siblings = False
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            rows.append((data.get("name"), data.get("order"), data.get("start_date"), data.get("end_date")))
        validate_phase_ranges(campaign_start=self.instance.start_date, campaign_end=self.instance.end_date, phases=rows)


class PlanInlineMixin(ScopedAdminMixin):
    """Rows of a campaign the user may already open; foreign-key choices stay scoped."""

    extra = 0

    def get_queryset(self, request):
        # The parent campaign's change page is scoped already; templates have no issuing
        # unit, so scoping the rows again would hide a template's phases from its readers.
        return super(ScopedAdminMixin, self).get_queryset(request)

    def _can_edit(self, request, obj):
        # obj is the parent campaign: a superior's plan is read-only below it.
        return obj is None or campaign_can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self._can_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request, obj) and super().has_delete_permission(request, obj)


class PhaseInline(PlanInlineMixin, admin.TabularInline):
    model = Phase
    formset = PhaseFormSet
    fields = ["order", "name", "start_date", "end_date", "source_text"]


class MilestoneInline(PlanInlineMixin, admin.TabularInline):
    model = Milestone
    fields = ["number", "name", "phase", "due_date", "due_text", "deliverable", "responsible_unit"]
    autocomplete_fields = ["responsible_unit"]

    def get_formset(self, request, obj=None, **kwargs):
        self._parent = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "phase" and field is not None:
            parent = getattr(self, "_parent", None)
            field.queryset = Phase.objects.filter(campaign=parent) if parent else Phase.objects.none()
        return field


_COMPACT = {
    models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 28})},
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 30})},
}


class RequirementInline(PlanInlineMixin, admin.TabularInline):
    model = Requirement
    fields = ["order", "title", "kind", "scope", "period", "params", "unit_kinds", "source_text"]
    formfield_overrides = _COMPACT


class IsTemplateFilter(admin.SimpleListFilter):
    title = gettext_lazy("类型")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        return [("no", _("主题活动")), ("yes", _("方案模板"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_template=True)
        if self.value() == "no":
            return queryset.filter(is_template=False)
        return queryset


class LevelFilter(admin.SimpleListFilter):
    title = gettext_lazy("发文单位层级")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return OrgUnit.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(issuing_unit__kind=self.value())
        return queryset


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    list_display = [
        "title",
        "document_number",
        "issuing_unit",
        "start_date",
        "end_date",
        "status",
        "parent",
        "is_template",
        "milestone_count",
    ]
    list_filter = [IsTemplateFilter, "status", LevelFilter, "participation"]
    search_fields = ["title", "document_number", "source_issuer", "theme"]
    list_select_related = ["issuing_unit", "parent"]
    # Autocomplete, not a two-box picker: a city has thousands of units.
    autocomplete_fields = ["issuing_unit", "parent", "participating_units"]
    date_hierarchy = "start_date"
    inlines = [PhaseInline, MilestoneInline, RequirementInline]
    formfield_overrides = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 40})}}
    actions = ["activate", "close", "cascade", "start_from_template", "shift_dates"]
    fieldsets = [
        (None, {"fields": ["title", "theme", "document_number", "issuing_unit", "issue_date", "status"]}),
        (gettext_lazy("时间"), {"fields": [("start_date", "end_date")]}),
        (
            gettext_lazy("参与单位"),
            {"fields": ["participation", "participating_kinds", "participating_units", "parent"]},
        ),
        (gettext_lazy("内容"), {"fields": ["guiding_text"]}),
        (
            gettext_lazy("模板"),
            {"fields": ["is_template", "template_key", "source_issuer", "template"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        # Templates carry no unit data: everyone who may see campaigns sees them too.
        queryset = super().get_queryset(request)
        if not sees_everything(request.user):
            queryset = queryset | Campaign.objects.filter(is_template=True)
        # Explicit order: with the GROUP BY of the count, the Meta ordering would not apply.
        return queryset.annotate(_milestones=Count("milestones", distinct=True)).order_by(*Campaign._meta.ordering)

    @admin.display(description=gettext_lazy("环节数"), ordering="_milestones")
    def milestone_count(self, obj):
        return obj._milestones

    def get_readonly_fields(self, request, obj=None):
        # A new campaign is a draft; status then moves only through the 启动/结束 actions
        # (services.campaign_set_status: draft → active → closed).
        return ["is_template", "template_key", "template", "status"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not campaign_can_edit(request.user, obj):
            return False  # read-only: a template, or a superior unit's plan
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not campaign_can_edit(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete for a step's or requirement's campaign offers only plans the user may change.
        if request.GET.get("field_name") == "campaign" and request.GET.get("model_name") in (
            "milestone",
            "requirement",
        ):
            queryset = campaigns_editable_by(request.user, queryset)
        return queryset, may_have_duplicates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.campaign_sync_assignments(campaign=form.instance)

    # ---- actions ---------------------------------------------------------------------

    def _set_status(self, request, queryset, status):
        done = 0
        for campaign in queryset:
            try:
                services.campaign_set_status(campaign=campaign, status=status, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    pgettext("name: detail", "%(name)s：%(detail)s") % {"name": campaign, "detail": _error_text(exc)},
                    messages.ERROR,
                )
        if done:
            self.message_user(request, _("已更新 %(n)d 个主题活动的状态。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("启动所选主题活动（草稿→进行中）"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_status(request, queryset, Campaign.Status.ACTIVE)

    @admin.action(description=gettext_lazy("结束所选主题活动（进行中→已结束）"), permissions=["change"])
    def close(self, request, queryset):
        self._set_status(request, queryset, Campaign.Status.CLOSED)

    def _single(self, request, queryset, *, template):
        items = list(queryset[:2])
        if len(items) != 1 or items[0].is_template != template:
            if template:
                self.message_user(request, _("请只选择一个方案模板。"), messages.WARNING)
            else:
                self.message_user(request, _("请只选择一个主题活动（不是模板）。"), messages.WARNING)
            return None
        return items[0]

    def _editable(self, request, campaign) -> bool:
        try:
            campaign_require_edit(request.user, campaign)
        except PermissionDenied as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
            return False
        return True

    def _action_page(self, request, queryset, *, title, form, campaign, template_name, intro=""):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "campaign": campaign,
            "intro": intro,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, f"admin/campaigns/campaign/{template_name}", context)

    @admin.action(description=gettext_lazy("下发到下级单位（生成实施方案）"), permissions=["add"])
    def cascade(self, request, queryset):
        campaign = self._single(request, queryset, template=False)
        if campaign is None or not self._editable(request, campaign):
            return None
        form = CascadeForm(request.POST if "apply" in request.POST else None, campaign=campaign, user=request.user)
        if "apply" in request.POST and form.is_valid():
            try:
                children = services.campaign_cascade(
                    campaign=campaign, units=form.cleaned_data["units"], actor=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    pgettext("message separator", "；").join(getattr(exc, "messages", [str(exc)])),
                    messages.ERROR,
                )
                return None
            names = pgettext("list separator", "、").join(c.issuing_unit.name for c in children)
            self.message_user(
                request,
                _("已为 %(n)d 个单位生成实施方案：%(names)s。各单位可自行调整日期。")
                % {"n": len(children), "names": names},
                messages.SUCCESS,
            )
            return None
        return self._action_page(
            request,
            queryset,
            title=_("%(unit)s：下发“%(title)s”") % {"unit": campaign.issuing_unit, "title": campaign.title},
            form=form,
            campaign=campaign,
            template_name="action_form.html",
            intro=_("为所选下级单位各生成一个实施方案，复制全部阶段、环节和量化指标；环节由该单位负责完成。"),
        )

    @admin.action(description=gettext_lazy("由模板新建主题活动"), permissions=["add"])
    def start_from_template(self, request, queryset):
        template = self._single(request, queryset, template=True)
        if template is None:
            return None
        form = TemplateStartForm(request.POST if "apply" in request.POST else None, user=request.user)
        if "apply" not in request.POST:
            form.initial["start_date"] = template.start_date.replace(year=dates.today().year)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_start_from_template(
                    template=template,
                    issuing_unit=data["issuing_unit"],
                    start_date=data["start_date"],
                    title=data["title"],
                    document_number=data["document_number"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    pgettext("message separator", "；").join(getattr(exc, "messages", [str(exc)])),
                    messages.ERROR,
                )
                return None
            self.message_user(
                request,
                _("已由模板新建“%(title)s”（%(start)s至%(end)s），状态为草稿。请核对阶段、环节和指标后再启动。")
                % {"title": campaign.title, "start": campaign.start_date, "end": campaign.end_date},
                messages.SUCCESS,
            )
            # Land on the new draft, where it is adapted before it is started.
            return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
        return self._action_page(
            request,
            queryset,
            title=_("由模板“%(title)s”新建主题活动") % {"title": template.title},
            form=form,
            campaign=template,
            template_name="action_form.html",
            intro=_("模板原定 %(start)s 至 %(end)s；只需给出新的开始日期，所有日期随之平移。")
            % {"start": template.start_date, "end": template.end_date},
        )

    @admin.action(description=gettext_lazy("整体调整日期"), permissions=["change"])
    def shift_dates(self, request, queryset):
        campaign = self._single(request, queryset, template=False)
        if campaign is None or not self._editable(request, campaign):
            return None
        form = ShiftDatesForm(request.POST if "apply" in request.POST else None)
        if "apply" not in request.POST:
            form.initial["start_date"] = campaign.start_date
        if "apply" in request.POST and form.is_valid():
            try:
                services.campaign_shift_dates(
                    campaign=campaign, start_date=form.cleaned_data["start_date"], actor=request.user
                )
            except PermissionDenied as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
                return None
            self.message_user(request, _("日期已调整。"), messages.SUCCESS)
            return None
        return self._action_page(
            request,
            queryset,
            title=_("调整“%(title)s”的日期") % {"title": campaign.title},
            form=form,
            campaign=campaign,
            template_name="action_form.html",
            intro=_("当前 %(start)s 至 %(end)s。") % {"start": campaign.start_date, "end": campaign.end_date},
        )


def _error_text(exc) -> str:
    return pgettext("message separator", "；").join(getattr(exc, "messages", None) or [str(exc)])


class CampaignPlanFilter(admin.SimpleListFilter):
    """Campaigns the user may see (templates included), for the step and requirement lists."""

    title = gettext_lazy("主题活动")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        campaigns = scope_for_user(Campaign.objects.all(), request.user) | Campaign.objects.filter(is_template=True)
        return [(c.pk, c.title[:40]) for c in campaigns.order_by("is_template", "-start_date")[:50]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(campaign_id=self.value())
        return queryset


class ImportExportScopedAdmin(ImportFormatsMixin, ImportExportMixin, ScopedModelAdmin):
    """Steps and requirements: read with their campaign, changed only where the campaign may be."""

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(campaign__is_template=False) | self.model.objects.filter(
            campaign__is_template=True
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "campaign" and field is not None:
            field.queryset = campaigns_editable_by(request.user, field.queryset)
        return field

    def has_change_permission(self, request, obj=None):
        if obj is not None and not campaign_can_edit(request.user, obj.campaign):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not campaign_can_edit(request.user, obj.campaign):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        campaign_require_edit(request.user, obj.campaign)
        super().save_model(request, obj, form, change)

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        audit_export(action="campaigns.plan_export", what=self.model._meta.model_name, rows=len(data), request=request)
        return data


@admin.register(Milestone)
class MilestoneAdmin(ImportExportScopedAdmin):
    resource_classes = [MilestoneResource]
    list_display = ["number", "name", "campaign", "phase", "due_date", "responsible_unit"]
    list_filter = [CampaignPlanFilter, "campaign__status", ("due_date", admin.DateFieldListFilter)]
    search_fields = ["name", "deliverable", "campaign__title"]
    list_select_related = ["campaign", "phase", "responsible_unit"]
    autocomplete_fields = ["campaign", "responsible_unit"]
    date_hierarchy = "due_date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.campaign_sync_assignments(campaign=obj.campaign)


@admin.register(Requirement)
class RequirementAdmin(ImportExportScopedAdmin):
    resource_classes = [RequirementResource]
    list_display = ["title", "kind", "scope", "period", "campaign"]
    list_filter = [CampaignPlanFilter, "kind", "scope", "period"]
    search_fields = ["title", "source_text", "campaign__title"]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign"]


class AssignmentStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("完成状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return MilestoneAssignment.State.choices

    def queryset(self, request, queryset):
        today = dates.today()
        value = self.value()
        due = "milestone__due_date"
        if value == MilestoneAssignment.State.DONE_ON_TIME:
            return queryset.filter(completed_on__isnull=False, completed_on__lte=models_f(due))
        if value == MilestoneAssignment.State.DONE_LATE:
            return queryset.filter(completed_on__isnull=False, completed_on__gt=models_f(due))
        if value == MilestoneAssignment.State.OPEN:
            return queryset.filter(completed_on__isnull=True, **{f"{due}__gte": today})
        if value == MilestoneAssignment.State.OVERDUE:
            return queryset.filter(Q(completed_on__isnull=True), **{f"{due}__lt": today})
        return queryset


def models_f(name):
    from django.db.models import F

    return F(name)


class MilestoneAssignmentForm(forms.ModelForm):
    class Meta:
        model = MilestoneAssignment
        fields = ["completed_on", "note", "evidence"]

    def clean_completed_on(self):
        value = self.cleaned_data.get("completed_on")
        if value is not None and value > dates.today():
            raise ValidationError(_("完成日期不能晚于今天。"))
        return value


@admin.register(MilestoneAssignment)
class MilestoneAssignmentAdmin(ScopedModelAdmin):
    form = MilestoneAssignmentForm
    list_display = ["milestone", "campaign", "unit", "due_date", "completed_on", "state_label"]
    list_filter = [AssignmentStateFilter, "milestone__campaign__status", "unit__kind"]
    search_fields = ["milestone__name", "unit__name", "milestone__campaign__title"]
    list_select_related = ["milestone__campaign", "unit"]
    fields = ["milestone", "unit", "completed_on", "note", "evidence", "completed_by"]
    readonly_fields = ["milestone", "unit", "completed_by"]

    def has_add_permission(self, request):
        # Owed rows come from the plan (services.campaign_sync_assignments), never by hand.
        return False

    @admin.display(description=gettext_lazy("主题活动"))
    def campaign(self, obj):
        return obj.milestone.campaign

    @admin.display(description=gettext_lazy("完成时限"), ordering="milestone__due_date")
    def due_date(self, obj):
        return obj.milestone.due_date

    @admin.display(description=gettext_lazy("状态"))
    def state_label(self, obj):
        return MilestoneAssignment.State(obj.state()).label

    def save_model(self, request, obj, form, change):
        if obj.completed_on is None:
            services.milestone_reopen(assignment=obj, actor=request.user)
            return
        services.milestone_record_completion(
            assignment=obj,
            completed_on=obj.completed_on,
            note=obj.note,
            evidence=form.cleaned_data.get("evidence") if "evidence" in form.changed_data else None,
            actor=request.user,
        )
