from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core.admin import ScopedAdminMixin, ScopedModelAdmin

from .models import Cadre, Campaign, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "code", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Cadre)
class CadreAdmin(ScopedModelAdmin):
    list_display = ["name", "org_unit", "title", "rank", "is_senior", "is_leader", "is_party_member"]
    list_filter = ["rank", "is_leader", "is_party_member"]
    search_fields = ["name", "user__username", "org_unit__name"]
    list_select_related = ["org_unit", "user"]
    autocomplete_fields = ["org_unit", "user"]
    readonly_fields = ["is_senior"]


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    list_display = ["title", "document_number", "issuing_unit", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["title", "document_number"]
    list_select_related = ["issuing_unit"]
    autocomplete_fields = ["issuing_unit", "parent"]
    date_hierarchy = "start_date"
