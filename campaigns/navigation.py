from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {"label": _("组织架构"), "url": "campaigns:orgunit_tree", "icon": "diagram-3", "roles": None, "order": 80},
]
