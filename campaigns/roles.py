from core.roles import CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN


def _crud(model):
    return [f"campaigns.{verb}_{model}" for verb in ("add", "change", "delete", "view")]


_PLAN_VIEW = [
    "campaigns.view_campaign",
    "campaigns.view_phase",
    "campaigns.view_milestone",
    "campaigns.view_milestoneassignment",
    "campaigns.view_requirement",
]

ROLE_PERMISSIONS = {
    OFFICE_ADMIN: _crud("campaign")
    + _crud("phase")
    + _crud("milestone")
    + _crud("milestoneassignment")
    + _crud("requirement"),
    LEADER: _PLAN_VIEW,
    # Data-entry staff record their unit's completion of a step (date, note, evidence).
    DATA_ENTRY: [*_PLAN_VIEW, "campaigns.change_milestoneassignment"],
    CADRE: _PLAN_VIEW,
}
