"""Authentication backends."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class PermissionModelBackend(ModelBackend):
    """Django's ModelBackend, reading a user's own and their groups' permissions in one query.

    Django reads them in two (user permissions, group permissions) on every request that checks
    a permission: a fifth of the household search's per-keystroke queries. Nothing is kept past
    the request (the cache lives on the user object, as Django's does), so a changed role or
    permission applies on the next request.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
