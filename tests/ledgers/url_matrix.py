"""What every role gets from the ledger pages. Objects come from tests/ledgers/conftest.build_ledger."""

from tests.ledgers.conftest import build_ledger, cadre_of
from tests.matrix import ADMIN_LOGIN, FORBIDDEN, NOT_FOUND, OK, Case, everyone, signed_in


def L(w):
    return build_ledger(w)


# Readers (leaders, auditors) see pages but may not write.
WRITE_PAGE = signed_in(OK, county_leader=FORBIDDEN, auditor=FORBIDDEN)
# Objects of village A1 (township A1): hidden from the sibling township.
A1_OBJECT = signed_in(OK, sibling_town_staff=NOT_FOUND)
# Objects of village A2 (township A2): hidden from township A1 and its village.
A2_OBJECT = signed_in(OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND)

# A visit is corrected by its own cadre or the office's staff; a village cadre may not touch another's.
A1_CHANGE = signed_in(
    OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, village_cadre=FORBIDDEN, sibling_town_staff=NOT_FOUND
)
A2_CHANGE = signed_in(OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, town_staff=NOT_FOUND, village_cadre=NOT_FOUND)

URLS = {
    "ledgers:visit_entry": Case(expect=WRITE_PAGE),
    "ledgers:visit_list": Case(expect=signed_in(OK)),
    "ledgers:visit_detail": [
        Case(label="visit in village A1", kwargs=lambda w: {"pk": L(w).visit.pk}, expect=A1_OBJECT),
        Case(label="visit in village A2", kwargs=lambda w: {"pk": L(w).visit_a2.pk}, expect=A2_OBJECT),
    ],
    # Corrections: the visit's own cadre, or the office's data-entry staff / office admin.
    "ledgers:visit_edit": [
        Case(label="town staff's visit in village A1", kwargs=lambda w: {"pk": L(w).visit.pk}, expect=A1_CHANGE),
        Case(label="visit in village A2", kwargs=lambda w: {"pk": L(w).visit_a2.pk}, expect=A2_CHANGE),
    ],
    "ledgers:visit_delete": [
        Case(label="town staff's visit in village A1", kwargs=lambda w: {"pk": L(w).visit.pk}, expect=A1_CHANGE),
        Case(label="visit in village A2", kwargs=lambda w: {"pk": L(w).visit_a2.pk}, expect=A2_CHANGE),
    ],
    "ledgers:household_search": Case(expect=WRITE_PAGE),
    "ledgers:household_pick": [
        Case(
            label="household A1",
            kwargs=lambda w: {"pk": L(w).h_a1.pk},
            expect=signed_in(OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, sibling_town_staff=NOT_FOUND),
        ),
        Case(
            label="household A2",
            kwargs=lambda w: {"pk": L(w).h_a2.pk},
            expect=signed_in(
                OK, county_leader=FORBIDDEN, auditor=FORBIDDEN, town_staff=NOT_FOUND, village_cadre=NOT_FOUND
            ),
        ),
    ],
    "ledgers:household_timeline": [
        Case(label="household A1", kwargs=lambda w: {"pk": L(w).h_a1.pk}, expect=A1_OBJECT),
        Case(
            label="household in the other village of A1",
            kwargs=lambda w: {"pk": L(w).h_a1b.pk},
            expect=signed_in(OK, sibling_town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
        Case(label="household A2", kwargs=lambda w: {"pk": L(w).h_a2.pk}, expect=A2_OBJECT),
    ],
    "ledgers:my_diary": Case(expect=signed_in(OK)),
    "ledgers:cadre_diary": [
        Case(
            label="township A1 staff's diary",
            kwargs=lambda w: {"pk": cadre_of(w.town_staff).pk},
            expect=signed_in(OK, sibling_town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
        Case(label="unknown cadre", kwargs=lambda w: {"pk": 999999}, expect=signed_in(NOT_FOUND)),
    ],
    "ledgers:ledger_books": Case(expect=signed_in(OK)),
    "ledgers:ledger_book_export": Case(expect=signed_in(OK)),
    "ledgers:ledger_book_print": Case(expect=signed_in(OK)),
    "ledgers:demand_list": Case(expect=signed_in(OK)),
    "ledgers:demand_export": Case(expect=signed_in(OK)),
    "ledgers:demand_new": Case(expect=WRITE_PAGE),
    "ledgers:demand_chase": Case(expect=signed_in(OK)),
    "ledgers:demand_detail": [
        Case(label="demand of village A1", kwargs=lambda w: {"pk": L(w).demand.pk}, expect=A1_OBJECT),
        Case(label="demand of village A2", kwargs=lambda w: {"pk": L(w).demand_a2.pk}, expect=A2_OBJECT),
    ],
    # The full phone number: only the personal-data permission (the campaign office), audited.
    "ledgers:demand_reveal_phone": [
        Case(
            label="phone of a demand of village A1",
            method="post",
            kwargs=lambda w: {"pk": L(w).demand.pk},
            expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK, sibling_town_staff=NOT_FOUND),
        ),
        Case(
            label="phone of a demand of village A2",
            method="post",
            kwargs=lambda w: {"pk": L(w).demand_a2.pk},
            expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
    ],
    # Free text of one record, unmasked: the personal-data permission, scoped (404), audited.
    "core:text_reveal": [
        Case(
            label="what a visit in village A1 learned",
            method="post",
            kwargs=lambda w: {"label": "ledgers.visit", "pk": L(w).visit.pk, "field": "learned"},
            expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK, sibling_town_staff=NOT_FOUND),
        ),
        Case(
            label="the description of a demand of village A2",
            method="post",
            kwargs=lambda w: {"label": "ledgers.demand", "pk": L(w).demand_a2.pk, "field": "description"},
            expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
        Case(
            label="a field that is not free text",
            method="post",
            kwargs=lambda w: {"label": "ledgers.visit", "pk": L(w).visit.pk, "field": "cadre"},
            expect=signed_in(NOT_FOUND),
        ),
        Case(
            label="a model that has no free text",
            method="post",
            kwargs=lambda w: {"label": "auth.user", "pk": w.town_staff.pk, "field": "password"},
            expect=signed_in(NOT_FOUND),
        ),
    ],
    "ledgers:demand_person_options": [
        Case(
            label="owners of a demand of village A1 in the village",
            kwargs=lambda w: {"pk": L(w).demand.pk},
            data=lambda w: {"place_on_ledger-responsible_unit": w.village_a1.pk},
            expect=signed_in(OK, sibling_town_staff=NOT_FOUND, auditor=FORBIDDEN),
        ),
        Case(
            label="owners of a demand of village A2",
            kwargs=lambda w: {"pk": L(w).demand_a2.pk},
            data=lambda w: {"place_on_ledger-responsible_unit": w.town_a2.pk},
            expect=signed_in(OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND, auditor=FORBIDDEN),
        ),
    ],
    "ledgers:demand_action": [
        Case(
            # Refused (not on the ledger yet): the page comes back with the note kept, not a redirect.
            label="progress note on a demand of village A1",
            method="post",
            kwargs=lambda w: {"pk": L(w).demand.pk, "action": "progress"},
            data=lambda w: {"progress-version": 0, "progress-note": "进展"},
            expect=signed_in(OK, sibling_town_staff=NOT_FOUND, auditor=FORBIDDEN),
        ),
        Case(
            label="closing a demand of village A2",
            method="post",
            kwargs=lambda w: {"pk": L(w).demand_a2.pk, "action": "close"},
            data=lambda w: {"close-version": 0},
            # Refused (not replied yet): the demand page is shown again with the message.
            expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK, town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
        Case(
            label="an unknown action",
            method="post",
            kwargs=lambda w: {"pk": L(w).demand.pk, "action": "teleport"},
            expect=signed_in(NOT_FOUND),
        ),
    ],
}

STAFF_ADMIN = everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK)
ADMIN_MODELS = {
    "ledgers.visit": STAFF_ADMIN,
    "ledgers.demand": STAFF_ADMIN,
    "ledgers.demandcategory": STAFF_ADMIN,
}
