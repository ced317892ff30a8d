"""Navigation entries. Each app lists its own in ``<app>/navigation.py`` as ``NAV_ITEMS``.

An item: ``{"label": _("…"), "url": "app:name", "icon": "bootstrap-icon", "roles": {...} or
None for every signed-in user, "perm": "app.codename" or None, "order": int, "group": key}``.
Items of one ``group`` (a key of ``GROUPS``) share a dropdown in the navbar, so the bar fits a
laptop screen however many pages the apps add; an item without a group stands on its own.
"""

from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import AUDITOR, user_roles

GROUPS = {
    "visits": {"label": _("走访台账"), "icon": "journal-text", "order": 10},
    "demands": {"label": _("群众诉求"), "icon": "chat-square-text", "order": 15},
    "households": {"label": _("群众与结对"), "icon": "house-door", "order": 20},
    "pledges": {"label": _("承诺办实事"), "icon": "journal-check", "order": 40},
    "plans": {"label": _("方案与组织"), "icon": "calendar-range", "order": 50},
    "system": {"label": _("系统"), "icon": "gear", "order": 90},
}

NAV_ITEMS = [
    {"label": _("工作台"), "url": "home", "icon": "house", "roles": None, "order": 0},
    {
        "label": _("审计记录"),
        "url": "core:audit_list",
        "icon": "shield-check",
        "roles": {AUDITOR},
        "order": 90,
        "group": "system",
    },
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


def nav_menu_for(user):
    """The navbar: standalone items and one dropdown per group; a group of one is a plain link."""
    entries, groups = [], {}
    for item in nav_items_for(user):
        key = item.get("group")
        if key is None or key not in GROUPS:
            entries.append({**item, "children": None})
            continue
        if key not in groups:
            groups[key] = {**GROUPS[key], "key": key, "children": []}
            entries.append(groups[key])
        groups[key]["children"].append(item)
    menu = []
    for entry in entries:
        children = entry.get("children")
        menu.append({**children[0], "children": None} if children and len(children) == 1 else entry)
    return sorted(menu, key=lambda entry: entry.get("order", 50))
