from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
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
