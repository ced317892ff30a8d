from core.roles import AUDITOR, DATA_ENTRY, LEADER, OFFICE_ADMIN

ROLE_PERMISSIONS = {
    OFFICE_ADMIN: [f"evaluations.{verb}_report" for verb in ("add", "change", "delete", "view")],
    LEADER: ["evaluations.view_report"],
    DATA_ENTRY: ["evaluations.view_report", "evaluations.change_report"],
    AUDITOR: ["evaluations.view_report"],
}
