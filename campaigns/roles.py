from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN


def _crud(model):
    return [f"campaigns.{verb}_{model}" for verb in ("add", "change", "delete", "view")]


ROLE_PERMISSIONS = {
    OFFICE_ADMIN: _crud("orgunit") + _crud("cadre") + _crud("campaign"),
    LEADER: ["campaigns.view_orgunit", "campaigns.view_cadre", "campaigns.view_campaign"],
    DATA_ENTRY: ["campaigns.view_orgunit", "campaigns.view_cadre", "campaigns.view_campaign"],
    CADRE: ["campaigns.view_orgunit", "campaigns.view_campaign"],
    AUDITOR: ["campaigns.view_orgunit", "campaigns.view_cadre"],
}
