"""What every role gets from the pledge pages (ledgers) and the 三查三看 review (evaluations).

Objects live in village A2 unless said otherwise: town_staff (township A1) and village_cadre
(village A1) must get 404 for them; sibling_town_staff (township A2) sees them.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import PledgeProgress
from tests.matrix import (
    ADMIN_LOGIN,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Case,
    everyone,
    signed_in,
)
from tests.pledges.helpers import cached_pledge, make_campaign

# Roles that see village A2: its township, the county, the city.
A2_VISIBLE = {"superuser": OK, "office_admin": OK, "county_leader": OK, "sibling_town_staff": OK, "auditor": OK}


def _published(w):
    return {"pk": cached_pledge(w, "published_a2", w.village_a2).pk}


def _draft(w):
    return {"pk": cached_pledge(w, "draft_a2", w.village_a2, "draft").pk}


def _photo(w):
    cache = w.__dict__.setdefault("_pledges", {})
    if "photo" not in cache:
        pledge = cached_pledge(w, "published_a2", w.village_a2)
        cache["photo"] = PledgeProgress.objects.create(
            pledge=pledge,
            reported_on=datetime.date(2026, 6, 1),
            percent=0,
            note="现场照片",
            photo=SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
            reported_by=w.superuser,
        )
    return {"pk": cache["photo"].pk}


def _review_params(unit_attr):
    def data(w):
        return {"campaign": make_campaign(w).pk, "unit": getattr(w, unit_attr).code, "days": 30}

    return data


URLS = {
    "pledges:pledge_list": Case(expect=signed_in(OK)),
    "pledges:pledge_export": Case(expect=signed_in(OK)),
    "pledges:pledge_create": Case(
        expect=signed_in(OK, village_cadre=FORBIDDEN, auditor=FORBIDDEN),
        label="staff, leaders and the office draft pledges",
    ),
    "pledges:pledge_person_options": [
        Case(label="no unit chosen", expect=signed_in(OK, village_cadre=FORBIDDEN, auditor=FORBIDDEN)),
        Case(
            label="cadres of village A2",
            data=lambda w: {"responsible_unit": w.village_a2.pk},
            # Scope before permission: the village cadre (village A1) gets 404, the auditor
            # (who sees village A2) 403.
            expect=signed_in(
                NOT_FOUND,
                superuser=OK,
                office_admin=OK,
                county_leader=OK,
                sibling_town_staff=OK,
                auditor=FORBIDDEN,
            ),
        ),
    ],
    "pledges:pledge_origin_options": [
        Case(
            label="demands to pick from",
            data=lambda w: {"origin_kind": "demand"},
            expect=signed_in(OK, village_cadre=FORBIDDEN, auditor=FORBIDDEN),
        ),
        Case(
            label="plan steps of county B's campaign",
            data=lambda w: {
                "origin_kind": "milestone",
                "campaign": make_campaign(w, title="乙县方案", document_number="乙", issuing_unit=w.county_b).pk,
            },
            expect=signed_in(NOT_FOUND, superuser=OK, office_admin=OK, auditor=FORBIDDEN),
        ),
    ],
    "pledges:pledge_detail": [
        Case(label="a pledge of village A2", kwargs=_published, expect=signed_in(NOT_FOUND, **A2_VISIBLE)),
        Case(label="no such pledge", kwargs=lambda w: {"pk": 999999}, expect=signed_in(NOT_FOUND)),
    ],
    "pledges:pledge_edit": Case(
        label="a draft of village A2",
        kwargs=_draft,
        expect=signed_in(NOT_FOUND, **{**A2_VISIBLE, "auditor": FORBIDDEN}),
    ),
    "pledges:pledge_transition": [
        Case(label="GET is refused", kwargs=_draft, expect=everyone(NOT_ALLOWED)),
        Case(
            label="POST submit on a draft of village A2 (refusals also redirect back with a message)",
            kwargs=_draft,
            method="post",
            data=lambda w: {"action": "submit"},
            expect=signed_in(REDIRECT, town_staff=NOT_FOUND, village_cadre=NOT_FOUND),
        ),
    ],
    # Out of scope (town_staff of A1, village_cadre of A1) is 404 before any permission check;
    # roles that see village A2 without the permission get 403.
    "pledges:pledge_amend": Case(
        label="amend a published pledge of village A2",
        kwargs=_published,
        expect=signed_in(
            NOT_FOUND, superuser=OK, office_admin=OK, county_leader=OK, sibling_town_staff=FORBIDDEN, auditor=FORBIDDEN
        ),
    ),
    "pledges:pledge_withdraw": [
        Case(
            label="confirmation page for a published pledge of village A2",
            kwargs=_published,
            expect=signed_in(
                NOT_FOUND,
                superuser=OK,
                office_admin=OK,
                county_leader=OK,
                sibling_town_staff=FORBIDDEN,
                auditor=FORBIDDEN,
            ),
        ),
        Case(
            label="POST without a reason re-shows the form",
            kwargs=_published,
            method="post",
            data=lambda w: {"reason": ""},
            expect=signed_in(
                NOT_FOUND,
                superuser=OK,
                office_admin=OK,
                county_leader=OK,
                sibling_town_staff=FORBIDDEN,
                auditor=FORBIDDEN,
            ),
        ),
    ],
    "pledges:pledge_progress": Case(
        label="report progress on a pledge of village A2",
        kwargs=_published,
        expect=signed_in(NOT_FOUND, **{**A2_VISIBLE, "auditor": FORBIDDEN}),
    ),
    # The public board needs no login; it exists for every unit, pledges or not.
    "pledges:public_board": [
        Case(label="village A2", kwargs=lambda w: {"code": w.village_a2.code}, expect=everyone(OK)),
        Case(label="unknown unit", kwargs=lambda w: {"code": "NOPE"}, expect=everyone(NOT_FOUND)),
    ],
    "pledges:public_notice": Case(kwargs=lambda w: {"code": w.village_a2.code}, expect=everyone(OK)),
    "pledges:public_qr": Case(kwargs=lambda w: {"code": w.village_a2.code}, expect=everyone(OK)),
    "evaluations:three_checks": [
        Case(label="default unit and campaign", expect=signed_in(OK)),
        Case(
            label="township A2's subtree",
            data=_review_params("town_a2"),
            expect=signed_in(NOT_FOUND, **A2_VISIBLE),
        ),
    ],
    "evaluations:three_checks_export": [
        Case(
            label="county B",
            data=_review_params("county_b"),
            expect=signed_in(NOT_FOUND, **{"superuser": OK, "office_admin": OK, "auditor": OK}),
        ),
        Case(label="village A2", data=_review_params("village_a2"), expect=signed_in(NOT_FOUND, **A2_VISIBLE)),
    ],
}

ADMIN_MODELS = {
    "pledges.pledge": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "pledges.pledgecategory": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "pledges.pledgeamendment": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
}
