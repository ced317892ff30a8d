import operator
from functools import reduce

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ForeignKey, ManyToManyField, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Cadre

from .audit import audit_scope_denial
from .audit_labels import ACTION_GROUPS, action_group_by_key
from .models import AuditEvent
from .scoping import is_scoped_model, scope_for_user, sees_everything
from .selectors import (
    account_has_audit_history,
    back_office_access_grantable_by,
    global_configuration_changeable_by,
    role_groups_grantable_by,
    user_account_changeable_by,
    user_accounts_for_user,
)
from .templatetags.core_tags import person_name

admin.site.site_header = gettext_lazy("民情 · 后台管理")
admin.site.site_title = gettext_lazy("民情后台")
admin.site.index_title = gettext_lazy("后台管理")


# Django's own messages are reused so its Chinese catalogue translates them.
@admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, with one audit event per deleted object in the deletion's transaction.

    Django logs a bulk deletion with one bulk insert, which sends no signal, so the audit hook
    on the admin log (core.receivers) would miss it. Logging each object on its own goes through
    the same hook as a single delete: the same event, with the object's unit.
    """
    if not request.POST.get("post"):
        return django_delete_selected(modeladmin, request, queryset)
    _objects, _counts, perms_needed, protected = modeladmin.get_deleted_objects(queryset, request)
    if protected:
        return django_delete_selected(modeladmin, request, queryset)  # the page says what blocks it
    if perms_needed:
        raise PermissionDenied
    selected = list(queryset)
    if selected:
        with transaction.atomic(using=router.db_for_write(modeladmin.model)):
            for obj in selected:
                modeladmin.log_deletions(request, [obj])
            modeladmin.delete_queryset(request, queryset)
        modeladmin.message_user(
            request,
            _("Successfully deleted %(count)d %(items)s.")
            % {"count": len(selected), "items": model_ngettext(modeladmin.opts, len(selected))},
            messages.SUCCESS,
        )
    return None


admin.site.disable_action("delete_selected")
admin.site.add_action(delete_selected, "delete_selected")


def _record_scope_denial(request, model, object_id):
    """An admin object URL outside the user's subtree, as get_for_user_or_404 records one."""
    if sees_everything(request.user):
        return
    try:
        pk = model._meta.pk.to_python(unquote(object_id))
    except (ValidationError, ValueError):
        return
    audit_scope_denial(user=request.user, queryset=model._default_manager.all(), lookups={"pk": pk})


class ScopedAdminMixin:
    """Admin querysets, foreign-key choices and autocomplete limited to the user's subtree."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The admin normally redirects with "does not exist"; outside one's subtree that must be
        # indistinguishable from a missing object everywhere else in the app: a 404.
        _record_scope_denial(request, self.model, object_id)
        raise Http404

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_scoped_model(queryset.model):
            queryset = scope_for_user(queryset, request.user)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scope_choices(db_field, request, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scope_choices(db_field, request, super().formfield_for_manytomany(db_field, request, **kwargs))

    def _scope_choices(self, db_field, request, formfield):
        if formfield is not None and isinstance(db_field, ForeignKey | ManyToManyField):
            related = db_field.remote_field.model
            if is_scoped_model(related) and hasattr(formfield, "queryset"):
                formfield.queryset = scope_for_user(formfield.queryset, request.user)
        return formfield


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class GlobalConfigAdmin(admin.ModelAdmin):
    """Rows every unit shares (categories, reminder rules): read by all who may, changed at the top.

    Adding, changing (list_editable included: Django drops the editable columns when change is
    refused) and deleting need ``global_configuration_changeable_by`` on top of the permission.
    """

    def has_add_permission(self, request):
        return global_configuration_changeable_by(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return global_configuration_changeable_by(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return global_configuration_changeable_by(request.user) and super().has_delete_permission(request, obj)


class AuditActionGroupFilter(admin.SimpleListFilter):
    """The audit page's action groups: a fixed list, not a DISTINCT over millions of events."""

    title = gettext_lazy("操作类型")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        return [(group.key, group.label) for group in ACTION_GROUPS]

    def queryset(self, request, queryset):
        group = action_group_by_key(self.value() or "")
        if group is None:
            return queryset
        return queryset.filter(reduce(operator.or_, (Q(action__startswith=prefix) for prefix in group.prefixes)))


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    list_display = ["at", "actor_display", "action_display", "object_repr", "unit_display", "ip_address", "success"]
    list_filter = ["success", AuditActionGroupFilter, "at"]
    search_fields = ["actor_repr", "object_repr", "action"]
    date_hierarchy = "at"
    list_select_related = ["unit", "actor__cadre"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("操作人"), ordering="actor_repr")
    def actor_display(self, event):
        name = person_name(event.actor)
        if not name or name == event.actor_repr:
            return event.actor_repr
        return format_html("{}<br><small>{}</small>", name, event.actor_repr)

    @admin.display(description=gettext_lazy("所属单位"))
    def unit_display(self, event):
        # The name kept as text: the unit may be gone; older rows have only the reference.
        return event.unit_name or (event.unit.name if event.unit is not None else "")

    @admin.display(description=gettext_lazy("操作"), ordering="action")
    def action_display(self, event):
        return format_html('{}<br><code class="small">{}</code>', event.action_label, event.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        _record_scope_denial(request, self.model, object_id)
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
