from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    # The 三查三看 review reads pledges: it sits in their menu group, behind their view permission.
    {
        "label": _("三查三看"),
        "url": "evaluations:three_checks",
        "group": "pledges",
        "icon": "clipboard-data",
        "perm": "pledges.view_pledge",
        "roles": None,
        "order": 60,
    },
]
