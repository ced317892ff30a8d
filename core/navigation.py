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

from .roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN, user_roles

GROUPS = {
    "visits": {"label": _("走访台账"), "icon": "journal-text", "order": 10},
    "demands": {"label": _("群众诉求"), "icon": "chat-square-text", "order": 15},
    "households": {"label": _("群众与结对"), "icon": "house-door", "order": 20},
    "pledges": {"label": _("承诺办实事"), "icon": "journal-check", "order": 40},
    "plans": {"label": _("方案与组织"), "icon": "calendar-range", "order": 50},
    "system": {"label": _("系统"), "icon": "gear", "order": 90},
}

NAV_ITEMS = [
    # "?stay=1": the dashboard itself, not the redirect to the role's page that "/" answers.
    {"label": _("工作台"), "url": "home", "query": "?stay=1", "icon": "house", "roles": None, "order": 0},
    {
        "label": _("审计记录"),
        "url": "core:audit_list",
        "icon": "shield-check",
        "roles": {AUDITOR},
        "order": 90,
        "group": "system",
    },
]


# Where each role works: (role, url name, permission that page requires). The first entry whose
# role the user has and whose permission they hold wins, so nobody is sent to a page that would
# refuse them (an office may have taken a permission off a role group). Later features point
# these at their own pages.
HOME_BY_ROLE = [
    (OFFICE_ADMIN, "campaigns:orgunit_tree", "org.view_orgunit"),
    # A leader acts on what is overdue and escalated (督办清单), not on the org tree.
    (LEADER, "ledgers:demand_chase", "ledgers.view_demand"),
    (DATA_ENTRY, "ledgers:visit_entry", "ledgers.add_visit"),
    (CADRE, "ledgers:visit_entry", "ledgers.add_visit"),
    (AUDITOR, "core:audit_list", "core.view_auditevent"),
]


def home_url_name_for(user) -> str | None:
    """The url name of the page the user works on, or None to show them the dashboard."""
    if not user.is_authenticated:
        return None
    roles = user_roles(user)
    for role, url_name, permission in HOME_BY_ROLE:
        if role in roles and (permission is None or user.has_perm(permission)):
            return url_name
    if user.is_superuser:
        return "admin:index"
    return None


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
        path = reverse(item["url"])
        # "path" marks the active entry; "href" may carry a query (工作台's ?stay=1).
        visible.append({**item, "path": path, "href": path + item.get("query", "")})
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
