from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import ForeignKey, ManyToManyField
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .scoping import is_scoped_model, scope_for_user, sees_everything

admin.site.site_header = _("民情 · 后台管理")
admin.site.site_title = _("民情后台")
admin.site.index_title = _("后台管理")


class ScopedAdminMixin:
    """Admin querysets, foreign-key choices and autocomplete limited to the user's subtree."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The admin normally redirects with "does not exist"; outside one's subtree that must be
        # indistinguishable from a missing object everywhere else in the app: a 404.
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


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    list_display = ["at", "actor_repr", "action", "object_repr", "unit", "ip_address", "success"]
    list_filter = ["success", "action", "at"]
    search_fields = ["actor_repr", "object_repr", "action"]
    date_hierarchy = "at"
    list_select_related = ["unit"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    """Users are scoped through their cadre profile; users without one are the superuser's."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        from campaigns.models import Cadre

        visible = scope_for_user(Cadre.objects.all(), request.user).values("user_id")
        return queryset.filter(pk__in=visible)
