"""Back office for ledgers."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.admin import GlobalConfigAdmin, ScopedModelAdmin
from core.admin_masking import PersonalDataAdminMixin
from core.concurrency_forms import VersionedAdminForm
from core.masking import mask_phone
from core.paginators import AdminCappedPaginator

from . import demand_flow
from .models import (
    Demand,
    DemandCategory,
    DemandEvent,
    HelpGiven,
    Visit,
    VisitPhoto,
)
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


SEARCH_CAP = 1_000


@admin.register(Visit)
class VisitAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    """Visits are recorded on the staff pages (visit_record: permission, token, audit); here one
    may correct one through visit_update, with the same rules as the staff edit page."""

    form = VisitAdminForm
    list_display = ["visited_on", "household", "cadre", "method", "ledger_book", "campaign"]
    # The date filter's links (today, past 7 days, this month, this year) cost no query; a
    # date_hierarchy would run SELECT DISTINCT date_trunc(...) over every visit on each page.
    list_filter = ["method", "ledger_book", "visited_on"]
    search_fields = ["household__head_name", "household__number", "cadre__name"]
    search_help_text = _("按户主姓名或干部姓名开头、户号查找")
    list_select_related = ["household", "cadre", "campaign"]
    # Search widgets scoped by the related admins (core.admin.ScopedAdminMixin): a raw-id box would
    # render the name behind any primary key typed into the URL, whatever unit it belongs to.
    autocomplete_fields = ["member", "cadre"]
    inlines = [HelpGivenInline, VisitPhotoInline]
    # Ten million visits: never a full COUNT(*) (ledgers_visit_newest serves the page itself).
    show_full_result_count = False
    paginator = AdminCappedPaginator
    # Who entered it and when are the audit facts of the record, never typed in.
    readonly_fields = ["household", "recorded_by", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        return [*VISIT_EDITABLE_FIELDS, "loaded_version", *self.readonly_fields]

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        if request.GET.get(SEARCH_VAR, "").strip():
            # A common name matches tens of thousands of visits: counting 10,001 of them through
            # the household join cost more than the page; "more than 1,000" says enough.
            paginator.cap = SEARCH_CAP
        return paginator

    def get_search_results(self, request, queryset, search_term):
        # Chinese names have no case: a case-sensitive prefix uses the head_name index (and the
        # household's visits by theirs); the admin's default icontains (UPPER(...) LIKE '%…%')
        # read every visit joined to its household and cadre.
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(household__head_name__startswith=term) | Q(household__number=term)
        condition |= Q(cadre__name__startswith=term)
        return queryset.filter(condition), False

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
    paginator = AdminCappedPaginator

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
