from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN

# ---- Issue 6: pledges. Leaders approve (本单位领导审批); staff draft and report progress;
# amendments of an approved pledge are a leader's or the campaign office's act.
PLEDGE_PERMISSIONS = {
    OFFICE_ADMIN: [
        "ledgers.view_pledge",
        "ledgers.add_pledge",
        "ledgers.change_pledge",
        "ledgers.add_pledgeprogress",
        "ledgers.view_pledgeprogress",
        "ledgers.add_pledgeamendment",
        "ledgers.view_pledgeamendment",
        "ledgers.view_pledgecategory",
        "ledgers.add_pledgecategory",
        "ledgers.change_pledgecategory",
    ],
    LEADER: [
        "ledgers.view_pledge",
        "ledgers.add_pledge",
        "ledgers.change_pledge",
        "ledgers.approve_pledge",
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

ROLE_PERMISSIONS = {role: [*perms] for role, perms in PLEDGE_PERMISSIONS.items()}
