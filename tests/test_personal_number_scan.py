"""No full ID or mobile number, in any spelling, reaches a user without the personal-data permission.

Numbers typed into free text (a visit's 了解情况, a demand's description, household
notes …) were shown in full to a county leader and written to the ledger-book exports. This test
seeds an ID and a mobile number, spelled in several ways, into every registered free-text field
and the structured personal fields, then renders every page of the URL matrix (lists, details,
print views, exports: workbooks are opened and every cell read) as users without the permission,
and the back office for a staff user without it, and fails on any full number in any spelling.
"""

import io
import re
import unicodedata

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from core.masking import can_view_personal_data, free_text_models
from core.roles import DATA_ENTRY
from ledgers.models import Demand
from org.models import Cadre
from outreach.models import Household
from tests.factories import make_person
from tests.ledgers.conftest import build_ledger
from tests.matrix import OK, collect
from tests.pledges.helpers import make_pledge

pytestmark = pytest.mark.django_db

MOBILE = "13957246813"
ID_NUMBER = "11010519491231002X"
# How people type them: spaces, dashes, dots, full-width digits, a +86 prefix, a lower-case x.
MOBILE_SPELLINGS = ["139 5724 6813", "139-5724-6813", "１３９５７２４６８１３", "+86 139 5724 6813", "139.5724.6813"]
ID_SPELLINGS = [
    "110105 19491231 002X",
    "11010519491231002x",
    "１１０１０５１９４９１２３１００２Ｘ",
    "110105-19491231-002X",
]
# Full numbers and their hidden middles, as they read once spelling is taken away.
FORBIDDEN = [MOBILE, MOBILE[:7], ID_NUMBER, ID_NUMBER[:14]]

# Text fields of the personal-data apps that are not free text from the public, and why.
NOT_FREE_TEXT = {
    "outreach.householdcategory": {"code": "category code", "name": "category name set by the office"},
    "outreach.household": {"number": "register number", "head_name": "a name", "phone": "structured, masked"},
    "outreach.householdmember": {"name": "a name", "relation": "relation to the head"},
    "outreach.importjob": {"original_name": "uploaded file name", "message": "job status message"},
    "outreach.forum": {"title": "the office's meeting title", "place": "the meeting place"},
    "outreach.receptionday": {"place": "the reception room or public hotline"},
    "ledgers.demandcategory": {"code": "category code", "name": "category name"},
    "ledgers.demand": {"person_phone": "structured, masked"},
    "ledgers.demandevent": {"action": "code", "from_status": "code", "to_status": "code"},
    "ledgers.pledgecategory": {"code": "category code", "name": "category name"},
    "evaluations.report": {
        "title": "the office's report title",
        "attachment_name": "uploaded file name, like ImportJob.original_name",
    },
}
STRUCTURED = {"outreach.household": {"id_number"}}


def _leaks(text: str) -> list[str]:
    plain = re.sub(r"[\s\-.()·+]", "", unicodedata.normalize("NFKC", text)).upper()
    return [number for number in FORBIDDEN if number in plain]


def test_every_text_field_of_the_personal_data_apps_is_classified():
    registered = {entry.label: set(entry.fields) for entry in free_text_models()}
    from django.apps import apps

    unclassified = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in ("outreach", "ledgers", "evaluations"):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            known = registered.get(label, set()) | set(NOT_FREE_TEXT.get(label, {})) | STRUCTURED.get(label, set())
            if field.name not in known:
                unclassified.append(f"{label}.{field.name}")
    assert not unclassified, f"register these with core.masking.register_free_text or say why not: {unclassified}"


def _seed(world):
    """Numbers in every free-text field of every row, one spelling per field, and in the structured fields."""
    for n, entry in enumerate(free_text_models()):
        for m, field in enumerate(entry.fields):
            text = (
                f"电话{MOBILE_SPELLINGS[(n + m) % len(MOBILE_SPELLINGS)]}证{ID_SPELLINGS[(n + m) % len(ID_SPELLINGS)]}"
            )
            entry.model._default_manager.update(**{field: text})
    Household.objects.update(phone=MOBILE, id_number=ID_NUMBER)
    Demand.objects.update(person_phone=MOBILE)
    Cadre.objects.update(phone=MOBILE)


def _text_of(response) -> str:
    if response.streaming:  # uploaded evidence files are served as they were uploaded
        # Read to the end: the test client then closes it without closing the database connection.
        b"".join(response.streaming_content)
        return ""
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value
        )
    return response.content.decode(errors="replace")


# Pages the matrix lists without the query string that turns them into exports or searches.
EXTRA = [
    ("outreach:household_list", "?export=xlsx"),
    ("outreach:pairing_list", "?export=xlsx"),
    ("outreach:household_list", "?q=电话"),
    ("ledgers:demand_list", "?q=电话"),
    ("ledgers:visit_list", "?q=电话"),
]


def _get_cases(world):
    urls, _admin_models = collect()
    for name, cases in sorted(urls.items()):
        for case in cases:
            if case.method != "get":
                continue
            url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
            yield name, case, url
            for extra_name, query in EXTRA:
                if extra_name == name and not case.kwargs:
                    yield name, case, url + query


@pytest.fixture
def seeded(world):
    ledger = build_ledger(world)
    # Every kind of record the pages show: a visit with help and a photo, a pledge with progress
    # and an amendment, a returned and a withdrawn one; the URL matrix builds the rest.
    from ledgers.models import HelpGiven, VisitPhoto
    from pledges.services import pledge_amend

    HelpGiven.objects.create(visit=ledger.visit, kind=HelpGiven.Kind.OTHER, description="x")
    VisitPhoto.objects.create(visit=ledger.visit, image="visits/x.jpg", caption="x")
    pledge = make_pledge(world, world.village_a1, progress=[(ledger.today, 20, "x")])
    pledge_amend(pledge=pledge, user=world.superuser, field="content", new_value="新的内容", reason="理由")
    make_pledge(world, world.village_a1, state="returned")
    urls = list(_get_cases(world))  # builds every object the matrix asks for, before seeding
    _seed(world)
    return urls


@pytest.mark.parametrize("role", ["county_leader", "town_staff", "anonymous"])
def test_no_page_or_export_shows_a_full_number_to_a_user_without_the_permission(world, client_for, seeded, role):
    user = world.users[role]
    assert not can_view_personal_data(user)
    client = client_for(user)
    found, scanned = [], 0
    for name, case, url in seeded:
        if case.expect.get(role) != OK or name.endswith(("_edit", "_new", "_amend", "_entry")):
            continue  # forms are for writing; see test_masked_edit_forms
        response = client.get(url)
        if response.status_code != 200:
            continue
        scanned += 1
        leaks = _leaks(_text_of(response))
        if leaks:
            found.append(f"{url}: {leaks}")
    assert scanned >= (3 if role == "anonymous" else 20)
    assert not found, "full numbers shown:\n" + "\n".join(found)


def test_the_back_office_shows_no_full_number_to_staff_without_the_permission(world, client_for, seeded):
    clerk = make_person("clerk", world.county_a, DATA_ENTRY, is_staff=True)
    view_perms = [
        f"view_{entry.model._meta.model_name}"
        for entry in free_text_models()
        if entry.model._meta.app_label in ("ledgers", "outreach", "evaluations")
    ]
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=view_perms))
    assert not can_view_personal_data(clerk)
    client = client_for(clerk)
    found, scanned = [], 0
    for entry in free_text_models():
        opts = entry.model._meta
        if entry.model not in admin.site._registry:
            continue
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        urls += [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            for pk in entry.model._default_manager.values_list("pk", flat=True)[:3]
        ]
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            scanned += 1
            leaks = _leaks(_text_of(response))
            if leaks:
                found.append(f"{url}: {leaks}")
    for inline_parent in ("ledgers_visit", "ledgers_demand", "pledges_pledge"):
        try:
            reverse(f"admin:{inline_parent}_changelist")
        except NoReverseMatch:
            pytest.fail(inline_parent)
    assert scanned >= 10
    assert not found, "full numbers shown in the back office:\n" + "\n".join(found)
