"""Back office for ledgers."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.admin import GlobalConfigAdmin, ScopedModelAdmin
from core.admin_masking import PersonalDataAdminMixin
from core.concurrency_forms import VersionedAdminForm
from core.masking import mask_phone
from core.scoping import scope_for_user, user_scope_root
from org.models import OrgUnit

from . import demand_flow
from .models import (
    Demand,
    DemandCategory,
    DemandEvent,
    HelpGiven,
    Pledge,
    PledgeAmendment,
    PledgeCategory,
    PledgeProgress,
    Visit,
    VisitPhoto,
)
from .pledge_forms import add_public_text_validators
from .pledge_services import EDITABLE_FIELDS, PledgeError, pledge_create, pledge_update
from .services import (
    VISIT_EDITABLE_FIELDS,
    visit_update,
)


class ReadOnlyInline(PersonalDataAdminMixin, admin.TabularInline):
    """Help and photos change with their visit, through the staff pages (audited there)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HelpGivenInline(ReadOnlyInline):
    model = HelpGiven
    fields = readonly_fields = ["kind", "amount", "description"]


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = readonly_fields = ["image", "caption"]


class VisitAdminForm(VersionedAdminForm):
    class Meta:
        model = Visit
        fields = [*VISIT_EDITABLE_FIELDS]


@admin.register(Visit)
class VisitAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    """Visits are recorded on the staff pages (visit_record: permission, token, audit); here one
    may correct one through visit_update, with the same rules as the staff edit page."""

    form = VisitAdminForm
    list_display = ["visited_on", "household", "cadre", "method", "ledger_book", "campaign"]
    list_filter = ["method", "ledger_book", "visited_on"]
    search_fields = ["household__head_name", "household__number", "cadre__name"]
    list_select_related = ["household", "cadre", "campaign"]
    # Search widgets scoped by the related admins (core.admin.ScopedAdminMixin): a raw-id box would
    # render the name behind any primary key typed into the URL, whatever unit it belongs to.
    autocomplete_fields = ["member", "cadre"]
    date_hierarchy = "visited_on"
    inlines = [HelpGivenInline, VisitPhotoInline]
    show_full_result_count = False
    # Who entered it and when are the audit facts of the record, never typed in.
    readonly_fields = ["household", "recorded_by", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        return [*VISIT_EDITABLE_FIELDS, "loaded_version", *self.readonly_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting needs a reason and is refused when the visit raised a demand: the staff page.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in VISIT_EDITABLE_FIELDS if name in form.cleaned_data}
        # The version was checked under the row lock by the form (VersionedAdminForm); a refusal
        # comes back on the form (RefusalAsFormErrorMixin).
        visit_update(actor=request.user, visit=obj, fields=fields)


@admin.register(DemandCategory)
class DemandCategoryAdmin(GlobalConfigAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code"]


class DemandEventInline(PersonalDataAdminMixin, admin.TabularInline):
    model = DemandEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class DemandAdminForm(VersionedAdminForm):
    # The version the page was loaded at: a save over a transition made meanwhile is refused.
    class Meta:
        model = Demand
        fields = [*demand_flow.DETAIL_FIELDS]


@admin.register(Demand)
class DemandAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    """Read-mostly: demands are raised and moved through their lifecycle on the staff pages, by
    ledgers.demand_flow. Here one may only correct what a demand is about (demand_update_details)."""

    form = DemandAdminForm
    list_display = ["title", "unit", "category", "status", "deadline", "responsible_unit", "received_on"]
    list_filter = ["status", "source", "category", "tier"]
    search_fields = ["title", "person_name"]
    list_select_related = ["unit", "category", "responsible_unit"]
    autocomplete_fields = ["household", "member"]
    # The person's phone like the household's: masked without the permission, opening audited.
    masked_fields = {"person_phone": mask_phone}
    reveal_action = "ledgers.demand_reveal_phone"
    # Where it came from and everything a transition sets: never typed in here.
    readonly_fields = [
        "unit",
        "source",
        "visit",
        "forum",
        "reception_day",
        "received_on",
        "received_by",
        "status",
        "tier",
        "deadline",
        "responsible_unit",
        "responsible_person",
        "coordinator",
        "resolved_on",
        "resolved_on_spot",
        "resolution",
        "replied_on",
        "reply_channel",
        "reply_text",
        "reply_copy_office",
        "reply_copy_liaison",
        "reply_copy_village",
        "closed_on",
        "closed_by",
        "reopened_count",
        "escalated_at",
        "escalated_to",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [DemandEventInline]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return [*demand_flow.DETAIL_FIELDS, "loaded_version", *self.readonly_fields]

    def has_add_permission(self, request):
        # A demand is raised through demand_raise (staff pages): it needs its first event and audit.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would erase the demand's history (its events); reopen or close it instead.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in demand_flow.DETAIL_FIELDS if name in form.cleaned_data}
        # A refusal comes back on the form (RefusalAsFormErrorMixin).
        demand_flow.demand_update_details(
            demand=obj, actor=request.user, fields=fields, expected_version=form.cleaned_data.get("loaded_version")
        )


# ======================================================================================
# Issue 6 — pledges. Writes go through ledgers.pledge_services like everywhere else:
# workflow, status and progress fields are read-only here, amendments are never edited.
# ======================================================================================


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

        from .pledge_services import local_today

        today = local_today()
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
        try:
            if change:
                saved = pledge_update(pledge=obj, user=request.user, fields=fields)
            else:
                saved, _created = pledge_create(user=request.user, fields=fields)
        except PledgeError as exc:
            messages.error(request, exc.messages[0])
            raise PermissionDenied(exc.messages[0]) from exc
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


# ======================================================================================
# End of issue 6 block.
# ======================================================================================
