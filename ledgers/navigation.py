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
        "group": "visits",
        "icon": "journal-text",
        "roles": None,
        "perm": "ledgers.view_visit",
        "order": 12,
    },
    {
        "label": _("群众诉求"),
        "url": "ledgers:demand_list",
        "group": "demands",
        "icon": "chat-square-text",
        "roles": None,
        "perm": "ledgers.view_demand",
        "order": 14,
    },
    {
        "label": _("督办清单"),
        "url": "ledgers:demand_chase",
        "group": "demands",
        "icon": "exclamation-triangle",
        "roles": {OFFICE_ADMIN, LEADER},
        "perm": "ledgers.view_demand",
        "order": 15,
    },
]
