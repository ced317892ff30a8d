from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    # The pledge ledger (办实事台帐).
    {
        "label": _("办实事台帐"),
        "url": "pledges:pledge_list",
        "group": "pledges",
        "icon": "journal-check",
        "perm": "pledges.view_pledge",
        "roles": None,
        "order": 40,
    },
]
