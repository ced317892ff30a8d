from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core.admin import ScopedAdminMixin, ScopedModelAdmin
from core.scoping import scope_for_user, sees_everything, user_can_see_unit

from .models import Cadre, Campaign, OrgUnit


class OrgUnitMoveForm(movenodeform_factory(OrgUnit)):
    """treebeard's move form, limited to where the editing user may put a unit."""

    user = None  # set per request by OrgUnitAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["treebeard_ref_node"]
        field.queryset = scope_for_user(field.queryset, self.user)
        if not sees_everything(self.user):
            field.required = True  # only the superuser may create a new root

    def clean(self):
        cleaned = super().clean()
        ref, position = cleaned.get("treebeard_ref_node"), cleaned.get("treebeard_position")
        if ref is None or sees_everything(self.user):
            return cleaned
        parent = ref if position == "sorted-child" else OrgUnit.objects.get_parent(ref)
        unchanged = self.instance.pk is not None and parent == OrgUnit.objects.get_parent(self.instance)
        if not unchanged and not user_can_see_unit(self.user, parent):
            raise ValidationError(_("只能把单位放在您所辖范围内的上级单位之下。"))
        return cleaned


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, TreeAdmin):
    form = OrgUnitMoveForm
    list_display = ["name", "code", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})


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
