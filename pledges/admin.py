"""Back office for pledges. Writes go through pledges.services like everywhere else: workflow,
status and progress fields are read-only here, amendments are never edited."""

import datetime

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import dates
from core.admin import GlobalConfigAdmin, ScopedModelAdmin
from core.admin_masking import PersonalDataAdminMixin
from core.concurrency_forms import VersionedAdminForm
from core.scoping import scope_for_user, user_scope_root
from org.models import OrgUnit

from .forms import add_public_text_validators
from .models import Pledge, PledgeAmendment, PledgeCategory, PledgeProgress
from .services import EDITABLE_FIELDS, pledge_create, pledge_update


@admin.register(PledgeCategory)
class PledgeCategoryAdmin(GlobalConfigAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code"]


class PledgeProgressInline(PersonalDataAdminMixin, admin.TabularInline):
    model = PledgeProgress
    extra = 0
    can_delete = False
    fields = ["reported_on", "percent", "note", "photo", "reported_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PledgeAmendmentInline(PersonalDataAdminMixin, admin.TabularInline):
    model = PledgeAmendment
    extra = 0
    can_delete = False
    fields = ["amended_at", "field", "old_value", "new_value", "reason", "amended_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DeadlineFilter(admin.SimpleListFilter):
    title = _("办理时限")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("past", _("已过时限")), ("30", _("30 天内到期")), ("later", _("30 天以后"))]

    def queryset(self, request, queryset):
        today = dates.today()
        soon = today + datetime.timedelta(days=30)
        if self.value() == "past":
            return queryset.filter(deadline__lt=today)
        if self.value() == "30":
            return queryset.filter(deadline__gte=today, deadline__lte=soon)
        if self.value() == "later":
            return queryset.filter(deadline__gt=soon)
        return queryset


class UnitFilter(admin.SimpleListFilter):
    """A unit and its subtree, choices limited to the user's own units (three levels deep)."""

    title = _("承诺单位（含下级）")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        units = scope_for_user(OrgUnit.objects.all(), request.user)
        root = user_scope_root(request.user)
        top = root.depth if root is not None else 1
        return [(u.code, "　" * (u.depth - top) + u.name) for u in units.filter(depth__lte=top + 2)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = scope_for_user(OrgUnit.objects.all(), request.user).filter(code=self.value()).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(org_unit__path__startswith=unit.path)


class PledgeAdminForm(VersionedAdminForm):
    """The admin's pledge form refuses numbers in public text like the staff form does."""

    class Meta:
        model = Pledge
        fields = list(EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_public_text_validators(self)


@admin.register(Pledge)
class PledgeAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    form = PledgeAdminForm
    list_display = [
        "title",
        "org_unit",
        "category",
        "deadline",
        "responsible_unit",
        "approval_state",
        "status",
        "percent",
        "visibility",
    ]
    list_filter = [
        UnitFilter,
        "approval_state",
        "status",
        "visibility",
        "category",
        DeadlineFilter,
        "deadline",
        "campaign",
    ]
    search_fields = ["title", "content", "org_unit__name", "responsible_unit__name"]
    list_select_related = ["org_unit", "category", "responsible_unit"]
    date_hierarchy = "deadline"
    # Thousands of units and cadres at city scale: search, not a select (scoped by their admins).
    autocomplete_fields = ["campaign", "org_unit", "responsible_unit", "responsible_person"]
    inlines = [PledgeProgressInline, PledgeAmendmentInline]
    show_full_result_count = False
    workflow_fields = [
        "approval_state",
        "submitted_at",
        "approved_at",
        "approved_by",
        "published_at",
        "return_comment",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
        "status",
        "percent",
        "last_progress_on",
        "completed_on",
        "completion_note",
        "created_by",
    ]

    def get_fields(self, request, obj=None):
        return [*EDITABLE_FIELDS, "loaded_version", *self.workflow_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return self.with_masked_readonly(request, [*EDITABLE_FIELDS, *self.workflow_fields], obj)
        return self.with_masked_readonly(request, self.workflow_fields, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
        # The version was checked under the row lock by the form (VersionedAdminForm); a refusal
        # (PledgeError, a workflow refusal) comes back on the form (RefusalAsFormErrorMixin).
        if change:
            saved = pledge_update(pledge=obj, user=request.user, fields=fields)
        else:
            saved, _created = pledge_create(user=request.user, fields=fields)
        obj.pk = saved.pk


@admin.register(PledgeAmendment)
class PledgeAmendmentAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    list_display = ["pledge", "field", "amended_at", "amended_by"]
    list_filter = ["field", "amended_at"]
    search_fields = ["pledge__title", "reason"]
    list_select_related = ["pledge", "amended_by"]
    readonly_fields = ["pledge", "field", "old_value", "new_value", "reason", "amended_by", "amended_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
