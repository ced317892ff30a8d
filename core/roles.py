"""Roles are Django groups. Each app declares what its roles may do in ``<app>/roles.py``.

``ROLE_PERMISSIONS = {"leader": ["app_label.codename", ...], ...}``; ``sync_roles`` merges
the declarations of every installed app and makes the groups match them exactly.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission

OFFICE_ADMIN = "office_admin"
LEADER = "leader"
DATA_ENTRY = "data_entry"
CADRE = "cadre"
AUDITOR = "auditor"

# Group names as the back office shows them. The keys are what code uses.
GROUP_NAMES = {
    OFFICE_ADMIN: "活动办公室管理员",
    LEADER: "领导",
    DATA_ENTRY: "数据录入员",
    CADRE: "干部",
    AUDITOR: "审计员",
}


# What core itself grants: auditors read the audit trail.
ROLE_PERMISSIONS = {
    AUDITOR: ["core.view_auditevent"],
    OFFICE_ADMIN: ["auth.view_user", "auth.add_user", "auth.change_user"],
}


def declared_role_permissions() -> dict[str, set[str]]:
    merged = {role: set() for role in GROUP_NAMES}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[role].update(perms)
    return merged


def sync_roles() -> dict[str, int]:
    """Create the role groups and set their permissions to exactly what the apps declare.

    Idempotent. Raises LookupError naming any declared permission that does not exist.
    """
    counts = {}
    for role, perms in declared_role_permissions().items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"role {role}: no permission {dotted}")
            wanted.append(permission)
        group.permissions.set(wanted)
        counts[role] = len(wanted)
    return counts


def sync_roles_after_migrate(sender, **kwargs):
    # post_migrate is sent once per app with models, in INSTALLED_APPS order, and auth creates each app's
    # permissions on its turn: act on the last app's turn, when every permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    sync_roles()


def user_roles(user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_minqing_roles", None)
    if cached is None:
        by_name = {name: role for role, name in GROUP_NAMES.items()}
        names = user.groups.values_list("name", flat=True)
        cached = {by_name[name] for name in names if name in by_name}
        user._minqing_roles = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
