from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {
        "label": _("农户名册"),
        "url": "outreach:household_list",
        "group": "households",
        "icon": "house-door",
        "roles": None,
        "perm": "outreach.view_household",
        "order": 20,
    },
    {
        "label": _("结对帮扶"),
        "url": "outreach:pairing_list",
        "group": "households",
        "icon": "people",
        "roles": None,
        "perm": "outreach.view_pairing",
        "order": 22,
    },
    {
        "label": _("结对落实"),
        "url": "outreach:pairing_status_home",
        "group": "households",
        "icon": "clipboard-check",
        "roles": None,
        "perm": "outreach.view_pairing",
        "order": 23,
    },
    {
        "label": _("联系点"),
        "url": "outreach:liaison_list",
        "group": "households",
        "icon": "geo-alt",
        "roles": None,
        "perm": "outreach.view_liaisonpoint",
        "order": 24,
    },
    {
        "label": _("Excel导入"),
        "url": "outreach:import_upload",
        "group": "households",
        "icon": "file-earmark-spreadsheet",
        "roles": None,
        "perm": "outreach.add_importjob",
        "order": 26,
    },
]
