from tests.ledgers.conftest import build_ledger
from tests.matrix import ADMIN_LOGIN, FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Case, everyone, signed_in
from tests.outreach.helpers import (
    campaign_for,
    household_in,
    job_by,
    liaison_in,
    member_in,
    pairing_for,
)

LIAISON_PK = 9_000_001

# Roles: anonymous, superuser, office_admin, county_leader, town_staff, sibling_town_staff, village_cadre, auditor.
# Objects live in village_a2 (township A2): town_staff and village_cadre (township A1) must get 404.
READ_A2 = signed_in(OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND, auditor=FORBIDDEN)
WRITE_A2 = signed_in(OK, county_leader=FORBIDDEN, town_staff=NOT_FOUND, village_cadre=FORBIDDEN, auditor=FORBIDDEN)
READERS = signed_in(OK, auditor=FORBIDDEN)
WRITERS = signed_in(OK, county_leader=FORBIDDEN, village_cadre=FORBIDDEN, auditor=FORBIDDEN)
# Forums and reception days: cadres record them too; leaders and auditors read them.
RECORD_WRITERS = signed_in(OK, county_leader=FORBIDDEN, auditor=FORBIDDEN)
A1_RECORD = signed_in(OK, sibling_town_staff=NOT_FOUND)  # of village A1: hidden from township A2
A2_RECORD = signed_in(OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND)  # of village A2: hidden from A1


def _hh_a2(w):
    return {"pk": household_in(w.village_a2).pk}


URLS = {
    "outreach:household_list": Case(expect=READERS),
    "outreach:household_create": Case(expect=WRITERS),
    "outreach:household_detail": [
        Case(label="household in village A2", kwargs=_hh_a2, expect=READ_A2),
        Case(
            label="household in county B",
            kwargs=lambda w: {"pk": household_in(w.village_b1).pk},
            expect=signed_in(NOT_FOUND, superuser=OK, office_admin=OK, auditor=FORBIDDEN),
        ),
        Case(
            label="unknown household", kwargs=lambda w: {"pk": 987654}, expect=signed_in(NOT_FOUND, auditor=FORBIDDEN)
        ),
    ],
    "outreach:household_edit": Case(label="household in village A2", kwargs=_hh_a2, expect=WRITE_A2),
    "outreach:household_reveal": [
        Case(
            label="GET is refused",
            kwargs=lambda w: {**_hh_a2(w), "field": "phone"},
            expect=everyone(405),
        ),
        Case(
            label="POST phone of a village A2 household",
            method="post",
            kwargs=lambda w: {**_hh_a2(w), "field": "phone"},
            expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
        Case(
            label="POST an unknown field",
            method="post",
            kwargs=lambda w: {**_hh_a2(w), "field": "notes"},
            expect=signed_in(NOT_FOUND, auditor=FORBIDDEN),
        ),
    ],
    "outreach:member_create": Case(label="household in village A2", kwargs=_hh_a2, expect=WRITE_A2),
    "outreach:member_edit": Case(
        label="member in village A2",
        kwargs=lambda w: {"pk": member_in(household_in(w.village_a2)).pk},
        expect=WRITE_A2,
    ),
    "outreach:pairing_create": Case(
        label="household in village A2",
        kwargs=lambda w: {"household_pk": household_in(w.village_a2).pk},
        expect=WRITE_A2,
    ),
    "outreach:pairing_list": Case(expect=READERS),
    "outreach:pairing_end": [
        Case(
            label="GET is refused",
            kwargs=lambda w: {"pk": pairing_for(w, household_in(w.village_a2)).pk},
            expect=everyone(405),
        ),
        Case(
            label="POST a pairing in village A2",
            method="post",
            kwargs=lambda w: {"pk": pairing_for(w, household_in(w.village_a2)).pk},
            data=lambda w: {"end_date": "2026-06-01"},
            expect={**WRITE_A2, "superuser": REDIRECT, "office_admin": REDIRECT, "sibling_town_staff": REDIRECT},
        ),
    ],
    "outreach:pairing_bulk": Case(expect=WRITERS),
    "outreach:pairing_suggest": Case(expect=WRITERS),
    "outreach:pairing_status_home": Case(expect=signed_in(REDIRECT, auditor=FORBIDDEN)),
    "outreach:pairing_status": [
        Case(label="township A2", kwargs=lambda w: {"code": w.town_a2.code}, expect=READ_A2),
        Case(
            label="county B",
            kwargs=lambda w: {"code": w.county_b.code},
            expect=signed_in(NOT_FOUND, superuser=OK, office_admin=OK, auditor=FORBIDDEN),
        ),
    ],
    "outreach:cadre_export": Case(expect=signed_in(OK, village_cadre=FORBIDDEN)),
    "outreach:liaison_list": Case(expect=READERS),
    "outreach:liaison_create": Case(expect=WRITERS),
    "outreach:liaison_delete": [
        Case(
            label="GET is refused",
            kwargs=lambda w: {"pk": liaison_in(w, w.village_a2, pk=LIAISON_PK).pk},
            expect=everyone(405),
        ),
        Case(
            label="POST a liaison point in village A2 (recreated before each role)",
            method="post",
            kwargs=lambda w: {"pk": liaison_in(w, w.village_a2, pk=LIAISON_PK).pk},
            data=lambda w: {"_": liaison_in(w, w.village_a2, pk=LIAISON_PK).pk},
            expect=signed_in(FORBIDDEN, superuser=REDIRECT, office_admin=REDIRECT, town_staff=FORBIDDEN),
        ),
    ],
    "outreach:import_upload": Case(expect=WRITERS),
    "outreach:import_template": [
        Case(label="households", kwargs=lambda w: {"kind": "households"}, expect=WRITERS),
        Case(
            label="unknown kind",
            kwargs=lambda w: {"kind": "nope"},
            expect={
                **WRITERS,
                **{r: NOT_FOUND for r in ("superuser", "office_admin", "town_staff", "sibling_town_staff")},
            },
        ),
    ],
    "outreach:import_detail": Case(
        label="a job of township A2",
        kwargs=lambda w: {"pk": job_by(w.sibling_town_staff, w.town_a2).pk},
        expect=WRITE_A2,
    ),
    "outreach:import_confirm": Case(
        label="a job of township A2 (only its uploader may confirm)",
        method="post",
        kwargs=lambda w: {"pk": job_by(w.sibling_town_staff, w.town_a2).pk},
        expect={**WRITE_A2, "superuser": FORBIDDEN, "office_admin": FORBIDDEN, "sibling_town_staff": REDIRECT},
    ),
    "outreach:import_discard": Case(
        label="a job of township A2 (only its uploader may discard it)",
        method="post",
        kwargs=lambda w: {"pk": job_by(w.sibling_town_staff, w.town_a2).pk},
        expect={**WRITE_A2, "superuser": NOT_FOUND, "office_admin": NOT_FOUND, "sibling_town_staff": REDIRECT},
    ),
    "outreach:import_errors": Case(
        label="a job of township A2 (only its uploader may download its rows)",
        kwargs=lambda w: {"pk": job_by(w.sibling_town_staff, w.town_a2).pk},
        expect={**WRITE_A2, "superuser": NOT_FOUND, "office_admin": NOT_FOUND},
    ),
    # Forums and reception days: the objects of tests/ledgers/conftest.build_ledger.
    "outreach:forum_list": Case(expect=signed_in(OK)),
    "outreach:forum_new": Case(expect=RECORD_WRITERS),
    "outreach:forum_detail": [
        Case(label="forum of village A1", kwargs=lambda w: {"pk": build_ledger(w).forum.pk}, expect=A1_RECORD),
        Case(label="forum of village A2", kwargs=lambda w: {"pk": build_ledger(w).forum_a2.pk}, expect=A2_RECORD),
    ],
    "outreach:forum_edit": [
        Case(
            label="forum of village A1",
            kwargs=lambda w: {"pk": build_ledger(w).forum.pk},
            expect=signed_in(OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, sibling_town_staff=NOT_FOUND),
        ),
        Case(
            label="forum of village A2",
            kwargs=lambda w: {"pk": build_ledger(w).forum_a2.pk},
            expect=signed_in(
                OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, town_staff=NOT_FOUND, village_cadre=NOT_FOUND
            ),
        ),
    ],
    "outreach:reception_list": Case(expect=signed_in(OK)),
    "outreach:reception_new": Case(expect=RECORD_WRITERS),
    "outreach:reception_detail": [
        Case(
            label="the county leader's reception day",
            kwargs=lambda w: {"pk": build_ledger(w).reception.pk},
            expect=signed_in(OK, town_staff=NOT_FOUND, sibling_town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
        Case(
            label="township A2's reception day",
            kwargs=lambda w: {"pk": build_ledger(w).reception_a2.pk},
            expect=A2_RECORD,
        ),
    ],
    "outreach:reception_edit": [
        Case(
            label="township A2's reception day",
            kwargs=lambda w: {"pk": build_ledger(w).reception_a2.pk},
            expect=signed_in(
                OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, town_staff=NOT_FOUND, village_cadre=NOT_FOUND
            ),
        ),
    ],
}

STAFF_ONLY = everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK)
ADMIN_MODELS = {
    "outreach.household": STAFF_ONLY,
    "outreach.householdcategory": STAFF_ONLY,
    "outreach.householdmember": STAFF_ONLY,
    "outreach.pairing": STAFF_ONLY,
    "outreach.liaisonpoint": STAFF_ONLY,
    "outreach.importjob": STAFF_ONLY,
    "outreach.forum": STAFF_ONLY,
    "outreach.receptionday": STAFF_ONLY,
}

__all__ = ["LOGIN", "campaign_for"]
