"""Excel import/export of steps and requirements (django-import-export), with Chinese headers.

Rows are matched on (主题活动ID, 序号): importing the same sheet twice updates, never doubles.
Every lookup is limited to what the importing user may see; a row naming a campaign or unit
outside the user's subtree fails with a Chinese message, and the whole import is rolled back.
A row may only name a campaign the user may change (permissions.campaign_can_edit): a superior
unit's plan, readable below, cannot be imported into from there.
"""

import json

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from import_export import fields, resources, widgets

from core.scoping import scope_for_user
from core.xlsx_write import escape_formula
from org.models import OrgUnit

from .models import Campaign, Milestone, Phase, Requirement
from .permissions import campaigns_editable_by


class SafeCharWidget(widgets.CharWidget):
    """Blank cells stay blank (not NULL); text that Excel would run as a formula is quoted."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return escape_formula(super().render(value, obj, **kwargs))


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks related rows up among those the importing user may see."""

    def __init__(self, model, field, *, missing_message, **kwargs):
        self.user = None
        self.missing_message = missing_message
        super().__init__(model, field, **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = self.model.objects.all()
        if self.model is Campaign:
            return campaigns_editable_by(self.user, queryset.plans())
        return scope_for_user(queryset, self.user)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            if self.model is Campaign and self._readable_only(value):
                raise ValueError(
                    _("主题活动“%(value)s”由上级单位发布，您只能查看，不能导入修改。") % {"value": value}
                ) from exc
            raise ValueError(self.missing_message % {"value": value}) from exc

    def _readable_only(self, value) -> bool:
        try:
            return scope_for_user(Campaign.objects.plans(), self.user).filter(pk=int(value)).exists()
        except (TypeError, ValueError):
            return False


class PhaseByOrderWidget(widgets.ForeignKeyWidget):
    """A step's phase is given by its 序号 within the row's campaign."""

    def __init__(self, **kwargs):
        super().__init__(Phase, "order", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return Phase.objects.filter(campaign_id=row.get("主题活动ID"))

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (Phase.DoesNotExist, ValueError) as exc:
            raise ValueError(_("该主题活动没有序号为“%(value)s”的阶段。") % {"value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.order


class JSONWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return {}
        if isinstance(value, dict):
            return value
        try:
            return json.loads(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(_('参数须为 JSON，例如 {"min": 10}。')) from exc

    def render(self, value, obj=None, **kwargs):
        return json.dumps(value or {}, ensure_ascii=False)


class ListWidget(widgets.Widget):
    """Levels as codes separated by commas (county,township)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        return [part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class ChoiceWidget(widgets.Widget):
    """Accepts a choice by its code or by its Chinese label; exports the label."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for code, label in self.choices:
            # The sheet is in Chinese whatever the importing user's language is.
            with translation.override("zh-hans"):
                chinese = str(label)
            if text in (code, chinese, str(label)):
                return code
        raise ValueError(
            _("“%(text)s”不是有效的选项，可选：%(choices)s")
            % {"text": text, "choices": pgettext("list separator", "、").join(str(label) for _c, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        with translation.override("zh-hans"):  # exported sheets keep the offices' Chinese layout
            return str(dict(self.choices).get(value, value or ""))


class _ScopedResource(resources.ModelResource):
    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.touched_campaigns = set()
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.user = user

    def after_save_instance(self, instance, row, **kwargs):
        self.touched_campaigns.add(instance.campaign_id)

    def after_import(self, dataset, result, **kwargs):
        from .services import campaign_sync_assignments

        if result.has_errors() or result.has_validation_errors():
            return
        for campaign in Campaign.objects.filter(pk__in=self.touched_campaigns):
            campaign_sync_assignments(campaign=campaign)


def _campaign_field():
    return fields.Field(
        attribute="campaign",
        column_name="主题活动ID",
        widget=ScopedForeignKeyWidget(
            Campaign, "pk", missing_message=gettext_lazy("主题活动“%(value)s”不存在或不在您的管辖范围内。")
        ),
    )


class MilestoneResource(_ScopedResource):
    campaign = _campaign_field()
    campaign_title = fields.Field(attribute="campaign__title", column_name="主题活动", readonly=True)
    number = fields.Field(attribute="number", column_name="环节序号", widget=widgets.IntegerWidget())
    name = fields.Field(attribute="name", column_name="环节名称", widget=SafeCharWidget())
    deliverable = fields.Field(attribute="deliverable", column_name="工作成果", widget=SafeCharWidget())
    due_date = fields.Field(attribute="due_date", column_name="完成时限", widget=widgets.DateWidget("%Y-%m-%d"))
    due_text = fields.Field(attribute="due_text", column_name="原文时限表述", widget=SafeCharWidget())
    phase = fields.Field(attribute="phase", column_name="所属阶段序号", widget=PhaseByOrderWidget())
    responsible_unit = fields.Field(
        attribute="responsible_unit",
        column_name="责任单位代码",
        widget=ScopedForeignKeyWidget(
            OrgUnit, "code", missing_message=gettext_lazy("单位代码“%(value)s”不存在或不在您的管辖范围内。")
        ),
    )

    class Meta:
        model = Milestone
        fields = (
            "campaign",
            "campaign_title",
            "number",
            "name",
            "deliverable",
            "due_date",
            "due_text",
            "phase",
            "responsible_unit",
        )
        import_id_fields = ("campaign", "number")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def filter_export(self, queryset, **kwargs):
        return scope_for_user(queryset, self.user).select_related("campaign", "phase", "responsible_unit")


class RequirementResource(_ScopedResource):
    campaign = _campaign_field()
    campaign_title = fields.Field(attribute="campaign__title", column_name="主题活动", readonly=True)
    order = fields.Field(attribute="order", column_name="序号", widget=widgets.IntegerWidget())
    title = fields.Field(attribute="title", column_name="指标名称", widget=SafeCharWidget())
    kind = fields.Field(attribute="kind", column_name="指标类型", widget=ChoiceWidget(Requirement.Kind.choices))
    params = fields.Field(attribute="params", column_name="参数", widget=JSONWidget())
    scope = fields.Field(attribute="scope", column_name="适用对象", widget=ChoiceWidget(Requirement.Scope.choices))
    period = fields.Field(attribute="period", column_name="考核周期", widget=ChoiceWidget(Requirement.Period.choices))
    unit_kinds = fields.Field(attribute="unit_kinds", column_name="适用层级", widget=ListWidget())
    source_text = fields.Field(attribute="source_text", column_name="原文依据", widget=SafeCharWidget())

    class Meta:
        model = Requirement
        fields = (
            "campaign",
            "campaign_title",
            "order",
            "title",
            "kind",
            "params",
            "scope",
            "period",
            "unit_kinds",
            "source_text",
        )
        import_id_fields = ("campaign", "order")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def filter_export(self, queryset, **kwargs):
        return scope_for_user(queryset, self.user).select_related("campaign")

    def after_import(self, dataset, result, **kwargs):
        # Requirements owe nothing per unit; nothing to sync.
        return None
