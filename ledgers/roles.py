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
