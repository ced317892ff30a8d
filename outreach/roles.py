from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN


def _perms(model, *verbs):
    return [f"outreach.{verb}_{model}" for verb in verbs]


ALL = ("add", "change", "delete", "view")

ROLE_PERMISSIONS = {
    # The campaign office runs the register: everything, including full ID and phone numbers.
    OFFICE_ADMIN: [
        *_perms("household", *ALL),
        *_perms("householdcategory", *ALL),
        *_perms("householdmember", *ALL),
        *_perms("pairing", *ALL),
        *_perms("liaisonpoint", *ALL),
        *_perms("importjob", "add", "view"),
        "outreach.view_personal_data",
    ],
    LEADER: [
        *_perms("household", "view"),
        *_perms("householdcategory", "view"),
        *_perms("householdmember", "view"),
        *_perms("pairing", "view"),
        *_perms("liaisonpoint", "view"),
    ],
    # Township staff keep the register and pair cadres; personal numbers stay masked for them.
    DATA_ENTRY: [
        *_perms("household", "add", "change", "view"),
        *_perms("householdcategory", "view"),
        *_perms("householdmember", "add", "change", "view"),
        *_perms("pairing", "add", "change", "view"),
        *_perms("liaisonpoint", "add", "view"),
        *_perms("importjob", "add", "view"),
    ],
    CADRE: [
        *_perms("household", "view"),
        *_perms("householdmember", "view"),
        *_perms("pairing", "view"),
        *_perms("liaisonpoint", "view"),
    ],
}

# Forums and reception days: written by the office, its staff and cadres; read by leaders and auditors.
_RECORDS = ("forum", "receptionday")
_RECORD_VERBS = {
    OFFICE_ADMIN: ALL,
    LEADER: ("view",),
    DATA_ENTRY: ("add", "change", "view"),
    CADRE: ("add", "change", "view"),
    AUDITOR: ("view",),
}
for _role, _verbs in _RECORD_VERBS.items():
    ROLE_PERMISSIONS.setdefault(_role, []).extend(perm for model in _RECORDS for perm in _perms(model, *_verbs))
