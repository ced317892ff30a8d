from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN

# Leaders approve (本单位领导审批); staff draft and report progress; amendments and withdrawal of
# an approved pledge are a leader's or the campaign office's act.
ROLE_PERMISSIONS = {
    OFFICE_ADMIN: [
        "pledges.view_pledge",
        "pledges.add_pledge",
        "pledges.change_pledge",
        "pledges.add_pledgeprogress",
        "pledges.view_pledgeprogress",
        "pledges.add_pledgeamendment",
        "pledges.view_pledgeamendment",
        "pledges.withdraw_pledge",
        "pledges.view_pledgecategory",
        "pledges.add_pledgecategory",
        "pledges.change_pledgecategory",
    ],
    LEADER: [
        "pledges.view_pledge",
        "pledges.add_pledge",
        "pledges.change_pledge",
        "pledges.approve_pledge",
        "pledges.withdraw_pledge",
        "pledges.add_pledgeprogress",
        "pledges.view_pledgeprogress",
        "pledges.add_pledgeamendment",
        "pledges.view_pledgeamendment",
    ],
    DATA_ENTRY: [
        "pledges.view_pledge",
        "pledges.add_pledge",
        "pledges.change_pledge",
        "pledges.add_pledgeprogress",
        "pledges.view_pledgeprogress",
        "pledges.view_pledgeamendment",
    ],
    CADRE: ["pledges.view_pledge", "pledges.add_pledgeprogress", "pledges.view_pledgeprogress"],
    AUDITOR: ["pledges.view_pledge", "pledges.view_pledgeprogress", "pledges.view_pledgeamendment"],
}
