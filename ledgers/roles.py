from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN


def _perms(app, model, verbs):
    return [f"{app}.{verb}_{model}" for verb in verbs]


ALL = ("add", "change", "delete", "view")
ENTRY = ("add", "change", "view")
VIEW = ("view",)

_LEDGER_MODELS = ("visit", "helpgiven", "visitphoto", "demand")


def _grant(verbs, *, demand_verbs=None, extra=()):
    perms = []
    for model in _LEDGER_MODELS:
        perms += _perms("ledgers", model, demand_verbs if (model == "demand" and demand_verbs) else verbs)
    perms += ["ledgers.view_demandcategory", "ledgers.view_demandevent", *extra]
    return perms


ROLE_PERMISSIONS = {
    # The campaign office strikes demands off (销号) and keeps the category list.
    OFFICE_ADMIN: _grant(ALL, extra=("ledgers.close_demand", *_perms("ledgers", "demandcategory", ALL))),
    # Leaders read everything below them and chase demands: they may reassign and reopen them.
    LEADER: _grant(VIEW, demand_verbs=("view", "change")),
    DATA_ENTRY: _grant(ENTRY),
    CADRE: _grant(ENTRY),
    AUDITOR: _grant(VIEW),
}

# ---- Issue 6: pledges. Leaders approve (本单位领导审批); staff draft and report progress;
# amendments and withdrawal of an approved pledge are a leader's or the campaign office's act.
PLEDGE_PERMISSIONS = {
    OFFICE_ADMIN: [
        "ledgers.view_pledge",
        "ledgers.add_pledge",
        "ledgers.change_pledge",
        "ledgers.add_pledgeprogress",
        "ledgers.view_pledgeprogress",
        "ledgers.add_pledgeamendment",
        "ledgers.view_pledgeamendment",
        "ledgers.withdraw_pledge",
        "ledgers.view_pledgecategory",
        "ledgers.add_pledgecategory",
        "ledgers.change_pledgecategory",
    ],
    LEADER: [
        "ledgers.view_pledge",
        "ledgers.add_pledge",
        "ledgers.change_pledge",
        "ledgers.approve_pledge",
        "ledgers.withdraw_pledge",
        "ledgers.add_pledgeprogress",
        "ledgers.view_pledgeprogress",
        "ledgers.add_pledgeamendment",
        "ledgers.view_pledgeamendment",
    ],
    DATA_ENTRY: [
        "ledgers.view_pledge",
        "ledgers.add_pledge",
        "ledgers.change_pledge",
        "ledgers.add_pledgeprogress",
        "ledgers.view_pledgeprogress",
        "ledgers.view_pledgeamendment",
    ],
    CADRE: ["ledgers.view_pledge", "ledgers.add_pledgeprogress", "ledgers.view_pledgeprogress"],
    AUDITOR: ["ledgers.view_pledge", "ledgers.view_pledgeprogress", "ledgers.view_pledgeamendment"],
}

for _role, _perms_of_role in PLEDGE_PERMISSIONS.items():
    ROLE_PERMISSIONS.setdefault(_role, []).extend(_perms_of_role)
