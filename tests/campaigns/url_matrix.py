from tests.matrix import ADMIN_LOGIN, FORBIDDEN, NOT_FOUND, OK, Case, everyone, signed_in

from .plans import assignment_for, plan_for

URLS = {
    "campaigns:orgunit_tree": Case(expect=signed_in(OK)),
    # The pickers' search answers every signed-in user, from their own subtree only.
    "campaigns:unit_options": Case(expect=signed_in(OK)),
    "campaigns:cadre_options": Case(expect=signed_in(OK)),
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
    "campaigns:orgunit_tree_children": [
        Case(
            label="the children of township A2",
            kwargs=lambda w: {"code": w.town_a2.code},
            expect=signed_in(
                NOT_FOUND, superuser=OK, office_admin=OK, county_leader=OK, sibling_town_staff=OK, auditor=OK
            ),
        ),
        Case(
            label="the children of the other county",
            kwargs=lambda w: {"code": w.county_b.code},
            expect=signed_in(NOT_FOUND, superuser=OK, office_admin=OK, auditor=OK),
        ),
    ],
    # Auditors read the audit trail, not plans: 403 before any lookup.
    "campaigns:campaign_list": Case(expect=signed_in(OK, auditor=FORBIDDEN)),
    "campaigns:campaign_plan": [
        Case(
            label="the city's plan is read down the whole branch",
            kwargs=lambda w: {"pk": plan_for(w.city).pk},
            expect=signed_in(OK, auditor=FORBIDDEN),
        ),
        Case(
            label="county B's plan",
            kwargs=lambda w: {"pk": plan_for(w.county_b).pk},
            expect=signed_in(NOT_FOUND, superuser=OK, office_admin=OK, auditor=FORBIDDEN),
        ),
        Case(
            label="township A2's plan",
            kwargs=lambda w: {"pk": plan_for(w.town_a2).pk},
            expect=signed_in(
                NOT_FOUND, superuser=OK, office_admin=OK, county_leader=OK, sibling_town_staff=OK, auditor=FORBIDDEN
            ),
        ),
        Case(label="an unknown plan", kwargs=lambda w: {"pk": 999999}, expect=signed_in(NOT_FOUND, auditor=FORBIDDEN)),
    ],
    "campaigns:assignment_complete": [
        Case(
            label="a step owed by township A1",
            kwargs=lambda w: {"pk": assignment_for(w.county_a, w.town_a1).pk},
            expect=signed_in(
                NOT_FOUND, superuser=OK, office_admin=OK, town_staff=OK, county_leader=FORBIDDEN, auditor=FORBIDDEN
            ),
        ),
        Case(
            label="a step owed by township A2",
            kwargs=lambda w: {"pk": assignment_for(w.county_a, w.town_a2).pk},
            expect=signed_in(
                NOT_FOUND,
                superuser=OK,
                office_admin=OK,
                sibling_town_staff=OK,
                county_leader=FORBIDDEN,
                auditor=FORBIDDEN,
            ),
        ),
    ],
}

ADMIN_MODELS = {
    "org.orgunit": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "org.cadre": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "campaigns.campaign": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "campaigns.milestone": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "campaigns.requirement": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "campaigns.milestoneassignment": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    # evaluations.Report is classified with the campaign plans: the "reports owed" requirement reads it.
    "evaluations.report": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
}
