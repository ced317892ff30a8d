import operator
from functools import reduce

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ForeignKey, ManyToManyField, Q
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_scope_denial
from .audit_codes import action_group_by_key, action_groups
from .models import AuditEvent
from .paginators import AdminCappedPaginator
from .scoping import is_scoped_model, scope_for_user, sees_everything
from .selectors import (
    global_configuration_changeable_by,
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


def record_scope_denial(request, model, object_id):
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
        record_scope_denial(request, self.model, object_id)
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


class RefusalAsFormErrorMixin:
    """A save the rules refuse comes back as the change form with the refusal on it, not a 403.

    ``save_model`` goes through the app's service, which refuses with a ``ValidationError``
    (``core.workflow.TransitionRefused``, a stale version, a date rule). Django has validated the
    form by then, so the refused save's transaction is rolled back and the same post is answered
    once more with the refusal as a form error: the page shows what was typed, the inlines and
    the reason, through the admin's own rendering. Field errors land on their fields when the
    form has them. A missing permission (``PermissionDenied``) is still a 403.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or getattr(request, "_admin_save_refusal", None) is not None:
                raise
            # The exception left the admin's transaction: nothing of the refused save remains.
            request._admin_save_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_admin_save_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                super().clean()
                if hasattr(refusal, "error_dict") and set(refusal.error_dict) <= set(self.fields):
                    raise refusal
                raise ValidationError(refusal.messages, code="refused")

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm


class ScopedModelAdmin(RefusalAsFormErrorMixin, ScopedAdminMixin, admin.ModelAdmin):
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
        return [(group.key, group.label) for group in action_groups()]

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
    # Every view of a household is an event: no date_hierarchy (a DISTINCT date_trunc over the
    # whole trail on each page; the "at" filter's links cost nothing) and no full count.
    list_select_related = ["unit", "actor__cadre"]
    show_full_result_count = False
    paginator = AdminCappedPaginator

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
