from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN


def _crud(model):
    return [f"org.{verb}_{model}" for verb in ("add", "change", "delete", "view")]


ROLE_PERMISSIONS = {
    OFFICE_ADMIN: _crud("orgunit") + _crud("cadre"),
    LEADER: ["org.view_orgunit", "org.view_cadre"],
    DATA_ENTRY: ["org.view_orgunit", "org.view_cadre"],
    CADRE: ["org.view_orgunit"],
    AUDITOR: ["org.view_orgunit", "org.view_cadre"],
}
