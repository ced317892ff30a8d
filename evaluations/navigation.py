from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    # Issue 6: the 三查三看 review of pledges.
    {
        "label": _("三查三看"),
        "url": "evaluations:three_checks",
        "icon": "clipboard-data",
        "perm": "ledgers.view_pledge",
        "roles": None,
        "order": 60,
    },
]
