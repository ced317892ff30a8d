from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("农户名册"),
        "url": "outreach:household_list",
        "icon": "house-door",
        "roles": None,
        "perm": "outreach.view_household",
        "order": 20,
    },
    {
        "label": _("结对帮扶"),
        "url": "outreach:pairing_list",
        "icon": "people",
        "roles": None,
        "perm": "outreach.view_pairing",
        "order": 22,
    },
    {
        "label": _("结对落实"),
        "url": "outreach:pairing_status_home",
        "icon": "clipboard-check",
        "roles": None,
        "perm": "outreach.view_pairing",
        "order": 23,
    },
    {
        "label": _("联系点"),
        "url": "outreach:liaison_list",
        "icon": "geo-alt",
        "roles": None,
        "perm": "outreach.view_liaisonpoint",
        "order": 24,
    },
    {
        "label": _("Excel导入"),
        "url": "outreach:import_upload",
        "icon": "file-earmark-spreadsheet",
        "roles": None,
        "perm": "outreach.add_importjob",
        "order": 26,
    },
]
