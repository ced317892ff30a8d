"""Navigation entries. Each app lists its own in ``<app>/navigation.py`` as ``NAV_ITEMS``.

An item: ``{"label": _("…"), "url": "app:name", "icon": "bootstrap-icon", "roles": {...} or
None for every signed-in user, "perm": "app.codename" or None, "order": int}``.
"""

from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import AUDITOR, user_roles

NAV_ITEMS = [
    {"label": _("工作台"), "url": "home", "icon": "house", "roles": None, "order": 0},
    {"label": _("审计记录"), "url": "core:audit_list", "icon": "shield-check", "roles": {AUDITOR}, "order": 90},
]


def _all_items():
    items = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise
            continue
        items.extend(getattr(module, "NAV_ITEMS", []))
    return sorted(items, key=lambda item: item.get("order", 50))


def nav_items_for(user):
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    visible = []
    for item in _all_items():
        allowed_roles = item.get("roles")
        if allowed_roles is not None and not (roles & allowed_roles) and not user.is_superuser:
            continue
        if item.get("perm") and not user.has_perm(item["perm"]):
            continue
        visible.append({**item, "href": reverse(item["url"])})
    return visible
