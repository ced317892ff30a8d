from django.utils.translation import gettext_lazy as _

from core.roles import CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN

NAV_ITEMS = [
    {
        "label": _("录入走访"),
        "url": "ledgers:visit_entry",
        "icon": "pencil-square",
        "roles": {OFFICE_ADMIN, DATA_ENTRY, CADRE},
        "perm": "ledgers.add_visit",
        "order": 10,
    },
    {
        "label": _("四本账"),
        "url": "ledgers:ledger_books",
        "icon": "journal-text",
        "roles": None,
        "perm": "ledgers.view_visit",
        "order": 12,
    },
    {
        "label": _("群众诉求"),
        "url": "ledgers:demand_list",
        "icon": "chat-square-text",
        "roles": None,
        "perm": "ledgers.view_demand",
        "order": 14,
    },
    {
        "label": _("督办清单"),
        "url": "ledgers:demand_chase",
        "icon": "exclamation-triangle",
        "roles": {OFFICE_ADMIN, LEADER},
        "perm": "ledgers.view_demand",
        "order": 15,
    },
    {
        "label": _("访谈日"),
        "url": "ledgers:forum_list",
        "icon": "people",
        "roles": None,
        "perm": "outreach.view_forum",
        "order": 16,
    },
    {
        "label": _("接待日"),
        "url": "ledgers:reception_list",
        "icon": "telephone",
        "roles": None,
        "perm": "outreach.view_receptionday",
        "order": 17,
    },
    # Issue 6: the pledge ledger (办实事台帐).
    {
        "label": _("办实事台帐"),
        "url": "ledgers:pledge_list",
        "icon": "journal-check",
        "perm": "ledgers.view_pledge",
        "roles": None,
        "order": 40,
    },
]
