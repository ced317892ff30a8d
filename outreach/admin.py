"""Back office for the register. Built for a million households: no full COUNT(*) (capped
paginator, show_full_result_count=False), no DISTINCT filters (EXISTS instead of M2M joins),
scoped autocomplete widgets instead of selects of every household, personal data masked. Forums
and reception days are saved through their services, like on the staff pages."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.admin import GlobalConfigAdmin, ScopedModelAdmin
from core.admin_masking import PersonalDataAdminMixin
from core.audit import audit_record
from core.concurrency import stamp_version
from core.concurrency_forms import VersionedAdminForm
from core.masking import can_view_personal_data, mask_id_number, mask_phone
from core.models import VersionedModel
from core.paginators import AdminCappedPaginator
from core.params import parse_id
from core.scoping import scope_for_user
from org.models import OrgUnit

from .models import Forum, Household, HouseholdCategory, HouseholdMember, ImportJob, LiaisonPoint, Pairing, ReceptionDay
from .services import (
    FORUM_FIELDS,
    FORUM_TEXT_FIELDS,
    RECEPTION_DAY_FIELDS,
    forum_create,
    forum_update,
    reception_day_create,
    reception_day_update,
)


class VillageFilter(admin.SimpleListFilter):
    """Villages of the user's subtree, from OrgUnit (a few thousand rows), not a DISTINCT over
    the household table."""

    title = _("村/社区")
    parameter_name = "village"
    lookup_path = "village_id"

    def lookups(self, request, model_admin):
        villages = scope_for_user(OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE), request.user)
        return [(str(pk), name) for pk, name in villages.order_by("path").values_list("pk", "name")[:500]]

    def queryset(self, request, queryset):
        if (village_id := parse_id(self.value())) is not None:
            return queryset.filter(**{self.lookup_path: village_id})
        return queryset


class PairingVillageFilter(VillageFilter):
    lookup_path = "household__village_id"


class CategoryFilter(admin.SimpleListFilter):
    """EXISTS over the category links: a join would make the admin add DISTINCT."""

    title = _("类别")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in HouseholdCategory.objects.all()]

    def queryset(self, request, queryset):
        if (category_id := parse_id(self.value())) is not None:
            through = Household.categories.through
            return queryset.filter(
                Exists(through.objects.filter(household_id=OuterRef("pk"), householdcategory_id=category_id))
            )
        return queryset


class BigTableAdmin(ScopedModelAdmin):
    show_full_result_count = False
    paginator = AdminCappedPaginator
    list_per_page = 50

    # Changes made in the back office are in the audit trail like those made on the staff pages,
    # and bump the record's version so a staff page loaded before them refuses a stale save.
    def save_model(self, request, obj, form, change):
        if isinstance(obj, VersionedModel):
            stamp_version(obj, actor=request.user, created=not change)
        super().save_model(request, obj, form, change)
        verb = "admin_change" if change else "admin_add"
        audit_record(
            action=f"outreach.{obj._meta.model_name}_{verb}",
            actor=request.user,
            obj=obj,
            detail={"fields": sorted(form.changed_data)},
        )

    def save_formset(self, request, form, formset, change):
        # Inline rows (a household's members) are versioned records too.
        for inline_form in formset.forms:
            record = inline_form.instance
            if (
                isinstance(record, VersionedModel)
                and inline_form.has_changed()
                and inline_form not in formset.deleted_forms
            ):
                stamp_version(record, actor=request.user, created=record.pk is None)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        audit_record(action=f"outreach.{obj._meta.model_name}_admin_delete", actor=request.user, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(action=f"outreach.{obj._meta.model_name}_admin_delete", actor=request.user, obj=obj)
        super().delete_queryset(request, queryset)


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0
    fields = ["name", "relation", "birth_year", "is_poor_woman", "is_poor_child", "is_left_behind_child"]


@admin.register(Household)
class HouseholdAdmin(PersonalDataAdminMixin, BigTableAdmin):
    form = VersionedAdminForm
    list_display = ["number", "head_name", "village", "members_count", "masked_phone", "masked_id_number"]
    list_filter = [VillageFilter, CategoryFilter]
    search_fields = ["=number", "^head_name"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]
    filter_horizontal = ["categories"]
    inlines = [HouseholdMemberInline]
    readonly_fields = ["masked_phone", "masked_id_number"]
    # Address and notes are free text (core.masking); opening the full form is one audit event.
    reveal_action = "outreach.household_reveal"

    def get_search_results(self, request, queryset, search_term):
        # Chinese names have no case: a case-sensitive prefix uses the head_name index, the
        # admin's default istartswith (UPPER(...) LIKE) scans a million rows.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(head_name__startswith=term) | Q(number=term)), False

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("户主身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    def get_fields(self, request, obj=None):
        fields = ["village", "number", "head_name", "members_count", "address", "categories", "notes", "loaded_version"]
        if can_view_personal_data(request.user):
            return [*fields[:5], "phone", "id_number", *fields[5:]]
        # Without the permission the stored numbers never reach the form, even as input values.
        return [*fields[:5], "masked_phone", "masked_id_number", *fields[5:]] if obj else fields


@admin.register(HouseholdCategory)
class HouseholdCategoryAdmin(GlobalConfigAdmin):
    list_display = ["name", "code", "group", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = ["group"]
    search_fields = ["name", "code"]


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(BigTableAdmin):
    form = VersionedAdminForm
    list_display = ["name", "household", "relation", "birth_year", "is_poor_woman", "is_poor_child"]
    list_filter = ["is_poor_woman", "is_poor_child", "is_left_behind_child"]
    search_fields = ["^name"]
    list_select_related = ["household"]
    autocomplete_fields = ["household"]


@admin.register(Pairing)
class PairingAdmin(BigTableAdmin):
    list_display = ["cadre", "household", "member", "kind", "campaign", "start_date", "end_date", "is_active"]
    list_filter = ["kind", "is_active", PairingVillageFilter]
    search_fields = ["^cadre__name", "=household__number"]
    list_select_related = ["cadre", "household", "member", "campaign"]
    # Scoped search, never a raw-id box: that would print the name behind any primary key.
    autocomplete_fields = ["cadre", "household", "member", "campaign"]
    date_hierarchy = None


@admin.register(LiaisonPoint)
class LiaisonPointAdmin(BigTableAdmin):
    list_display = ["village", "leader", "unit", "campaign"]
    list_select_related = ["village", "leader", "unit", "campaign"]
    autocomplete_fields = ["village", "leader", "unit", "campaign"]


@admin.register(ImportJob)
class ImportJobAdmin(BigTableAdmin):
    list_display = ["original_name", "kind", "status", "uploaded_by", "unit", "total_rows", "error_count", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by", "unit"]
    # The workbook and plan are the uploader's alone (core.files: 404 to anyone else): not shown.
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name not in ("file", "plan")]
    exclude = ["file", "plan"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Forum)
class ForumAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    form = VersionedAdminForm
    list_display = ["held_at", "village", "title", "place", "notice_posted_on", "attendance"]
    list_filter = ["held_at"]
    search_fields = ["title", "village__name", "place"]
    list_select_related = ["village"]
    # Thousands of units and twenty thousand cadres at city scale: scoped search widgets, never
    # a select (or a filter_horizontal) of all of them.
    autocomplete_fields = ["village", "campaign", "leading_cadres"]

    def save_model(self, request, obj, form, change):
        # Through the services like the staff page: audited, versioned, and its reminders follow
        # a moved date. The version was checked under the row lock by the form.
        fields = {
            name: form.cleaned_data[name] for name in FORUM_FIELDS + FORUM_TEXT_FIELDS if name in form.cleaned_data
        }
        leading = form.cleaned_data.get("leading_cadres", ())
        # A refusal comes back on the form (RefusalAsFormErrorMixin).
        if change:
            saved = forum_update(actor=request.user, forum=obj, leading_cadres=leading, **fields)
        else:
            saved, _created = forum_create(actor=request.user, leading_cadres=leading, **fields)
        obj.pk = saved.pk


@admin.register(ReceptionDay)
class ReceptionDayAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    form = VersionedAdminForm
    list_display = ["held_on", "leader", "channel", "place", "visitors_count"]
    list_filter = ["channel", "held_on"]
    search_fields = ["leader__name", "place"]
    list_select_related = ["leader"]
    # A search widget over the cadres the user sees, not a select of twenty thousand.
    autocomplete_fields = ["leader", "campaign"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in RECEPTION_DAY_FIELDS if name in form.cleaned_data}
        # A refusal comes back on the form (RefusalAsFormErrorMixin).
        if change:
            saved = reception_day_update(actor=request.user, reception_day=obj, **fields)
        else:
            saved, _created = reception_day_create(actor=request.user, **fields)
        obj.pk = saved.pk
