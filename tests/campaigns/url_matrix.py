from tests.matrix import ADMIN_LOGIN, NOT_FOUND, OK, Case, everyone, signed_in

URLS = {
    "campaigns:orgunit_tree": Case(expect=signed_in(OK)),
    "campaigns:orgunit_detail": [
        Case(
            label="a village of township A2",
            kwargs=lambda w: {"code": w.village_a2.code},
            expect=signed_in(
                NOT_FOUND, superuser=OK, office_admin=OK, county_leader=OK, sibling_town_staff=OK, auditor=OK
            ),
        ),
        Case(
            label="the other county",
            kwargs=lambda w: {"code": w.county_b.code},
            expect=signed_in(NOT_FOUND, superuser=OK, office_admin=OK, auditor=OK),
        ),
        Case(label="an unknown code", kwargs=lambda w: {"code": "NOPE"}, expect=signed_in(NOT_FOUND)),
    ],
}

ADMIN_MODELS = {
    "campaigns.orgunit": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "campaigns.cadre": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "campaigns.campaign": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    # evaluations.Report is built with the campaign plans (issue 3): the "reports owed" requirement reads it.
    "evaluations.report": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
}
