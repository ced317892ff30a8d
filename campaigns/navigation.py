from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("实施方案"),
        "url": "campaigns:campaign_list",
        "icon": "calendar-range",
        "roles": None,
        "perm": "campaigns.view_campaign",
        "order": 20,
    },
    {"label": _("组织架构"), "url": "campaigns:orgunit_tree", "icon": "diagram-3", "roles": None, "order": 80},
]
