"""Back office for ledgers. Forum and ReceptionDay (outreach models) are registered here too,
with the pages that use them, so the outreach app's own admin module stays its owner's."""

from django.contrib import admin

from core.admin import ScopedModelAdmin
from outreach.models import Forum, ReceptionDay

from .models import Demand, DemandCategory, DemandEvent, HelpGiven, Visit, VisitPhoto


class HelpGivenInline(admin.TabularInline):
    model = HelpGiven
    extra = 0


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(ScopedModelAdmin):
    list_display = ["visited_on", "household", "cadre", "method", "ledger_book", "campaign"]
    list_filter = ["method", "ledger_book", "visited_on"]
    search_fields = ["household__head_name", "household__number", "cadre__name"]
    list_select_related = ["household", "cadre", "campaign"]
    raw_id_fields = ["household", "member", "cadre"]
    date_hierarchy = "visited_on"
    inlines = [HelpGivenInline, VisitPhotoInline]
    show_full_result_count = False


@admin.register(DemandCategory)
class DemandCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code"]


class DemandEventInline(admin.TabularInline):
    model = DemandEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Demand)
class DemandAdmin(ScopedModelAdmin):
    """Read-mostly: the lifecycle is changed on the staff pages, through ledgers.demand_flow."""

    list_display = ["title", "unit", "category", "status", "deadline", "responsible_unit", "received_on"]
    list_filter = ["status", "source", "category", "tier"]
    search_fields = ["title", "person_name"]
    list_select_related = ["unit", "category", "responsible_unit"]
    raw_id_fields = ["household", "member", "visit", "forum", "reception_day"]
    readonly_fields = [
        "status",
        "version",
        "resolved_on",
        "replied_on",
        "closed_on",
        "closed_by",
        "escalated_at",
        "escalated_to",
        "reopened_count",
    ]
    inlines = [DemandEventInline]
    show_full_result_count = False


@admin.register(Forum)
class ForumAdmin(ScopedModelAdmin):
    list_display = ["held_at", "village", "title", "place", "notice_posted_on", "attendance"]
    list_filter = ["held_at"]
    search_fields = ["title", "village__name", "place"]
    list_select_related = ["village"]
    filter_horizontal = ["leading_cadres"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ScopedModelAdmin):
    list_display = ["held_on", "leader", "channel", "place", "visitors_count"]
    list_filter = ["channel", "held_on"]
    search_fields = ["leader__name", "place"]
    list_select_related = ["leader"]
