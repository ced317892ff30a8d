"""The back office of the hierarchy: units, cadres, and the accounts they belong to."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core.admin import ScopedAdminMixin, ScopedModelAdmin, record_scope_denial
from core.scoping import scope_for_user, sees_everything, user_can_see_unit
from core.selectors import (
    account_has_audit_history,
    back_office_access_grantable_by,
    role_groups_grantable_by,
    user_account_changeable_by,
    user_accounts_for_user,
)

from .models import Cadre, OrgUnit


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A profile may only be tied to an account the user manages: tying one to an account
        # elsewhere would bring that account into their subtree.
        if db_field.name == "user":
            kwargs["queryset"] = user_accounts_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


User = get_user_model()
admin.site.unregister(User)

# Fields only a superuser may see or set on an account: they grant powers beyond any role.
SUPERUSER_ONLY_USER_FIELDS = ("is_superuser", "user_permissions")


class CadreInline(ScopedAdminMixin, admin.StackedInline):
    """The account's cadre profile, edited with it: a new account is placed in a unit at once."""

    model = Cadre
    fields = ["name", "org_unit", "title", "rank", "is_leader", "is_party_member", "phone"]
    autocomplete_fields = ["org_unit"]
    can_delete = False
    max_num = 1
    extra = 1

    def get_queryset(self, request):
        # The account itself is already scoped; its own profile is shown as it is.
        return super(ScopedAdminMixin, self).get_queryset(request)

    def get_min_num(self, request, obj=None, **kwargs):
        # An account created by an office admin needs a unit in their subtree, or they lose it.
        return 0 if sees_everything(request.user) else 1


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    """User accounts, limited by core.selectors: the subtree's accounts, never a superuser's.

    A non-superuser cannot see or set superuser status or single permissions, and may grant
    only the role groups whose permissions they hold themselves. Accounts of their own unit
    (their peers) and back-office access belong to the level above (core.selectors).
    """

    inlines = [CadreInline]

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        record_scope_denial(request, self.model, object_id)
        raise Http404

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(pk__in=user_accounts_for_user(request.user).values("pk"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_everything(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_USER_FIELDS]})
            for name, options in fieldsets
        ]

    def get_actions(self, request):
        # One account at a time: an account with history is deactivated, not deleted (delete_view).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        account = self.get_object(request, unquote(object_id))
        keeps_history = (
            account is not None and self.has_delete_permission(request, account) and account_has_audit_history(account)
        )
        if keeps_history and request.method != "POST":
            messages.warning(request, _("该账号有审计记录：确认后将停用账号，不会删除。"))
        if keeps_history and request.method == "POST":
            # The trail names this account: deleting it would leave names without a person behind
            # them. It is closed instead, and stays readable in the trail and the back office.
            with transaction.atomic(using=router.db_for_write(self.model)):
                if account.is_active:
                    account.is_active = False
                    account.save(update_fields=["is_active"])
                self.log_change(request, account, [{"changed": {"fields": ["is_active"]}}])
            self.message_user(
                request,
                _("账号“%(name)s”有审计记录，不能删除，已停用：它不能再登录，记录仍可查。")
                % {"name": account.get_username()},
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:auth_user_changelist"))
        return super().delete_view(request, object_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not back_office_access_grantable_by(request.user, obj):
            # Back-office access is granted from the level above the account's unit.
            readonly.append("is_staff")
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not sees_everything(request.user):
            kwargs["queryset"] = role_groups_grantable_by(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not user_account_changeable_by(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not user_account_changeable_by(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # Groups the editor may not grant are not offered; keep the ones the account already has.
        kept = []
        if change and "groups" in form.fields and not sees_everything(request.user):
            offered = form.fields["groups"].queryset.values("pk")
            kept = list(form.instance.groups.exclude(pk__in=offered))
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)
