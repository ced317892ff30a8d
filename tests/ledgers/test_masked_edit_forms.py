"""Edit forms show free text masked to users without the permission, and saving keeps the numbers.

Township staff correct visits and households they may not read the numbers of: the form shows
the masks; masks left as they were stand for the stored numbers (core.masking.unmask_text).
"""

from django.urls import reverse

from ledgers.models import Visit
from outreach.models import Household
from tests.ledgers.test_visit_corrections import edit_data

TEXT = "儿子电话 139 5724 6813，身份证 11010519491231002X，在外务工"
MASKED = "儿子电话 139****6813，身份证 1101**********002X，在外务工"


def test_the_visit_edit_form_shows_masks_and_saving_keeps_the_numbers(world, ledger, client_for):
    Visit.objects.filter(pk=ledger.visit.pk).update(learned=TEXT)
    visit = Visit.objects.get(pk=ledger.visit.pk)
    client = client_for(world.town_staff)
    url = reverse("ledgers:visit_edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert MASKED in page
    assert "5724" not in page
    response = client.post(url, edit_data(visit, learned=MASKED + "。已联系村委。", method="phone"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.learned == TEXT + "。已联系村委。"
    assert visit.method == "phone"


def test_a_number_typed_over_a_mask_replaces_it(world, ledger, client_for):
    Visit.objects.filter(pk=ledger.visit.pk).update(learned=TEXT)
    visit = Visit.objects.get(pk=ledger.visit.pk)
    client = client_for(world.town_staff)
    new = "儿子电话 13700001111，身份证 1101**********002X，在外务工"
    client.post(reverse("ledgers:visit_edit", args=[visit.pk]), edit_data(visit, learned=new))
    visit.refresh_from_db()
    assert visit.learned == "儿子电话 13700001111，身份证 11010519491231002X，在外务工"


def test_the_permission_shows_the_text_as_stored(world, ledger, client_for):
    Visit.objects.filter(pk=ledger.visit.pk).update(learned=TEXT)
    page = client_for(world.office_admin).get(reverse("ledgers:visit_edit", args=[ledger.visit.pk])).content.decode()
    assert TEXT in page


def test_the_household_form_masks_notes_and_keeps_them(world, ledger, client_for):
    Household.objects.filter(pk=ledger.h_a1.pk).update(
        notes=TEXT, id_number=""
    )  # the fixture's ID fails its check digit
    client = client_for(world.town_staff)
    url = reverse("outreach:household_edit", args=[ledger.h_a1.pk])
    page = client.get(url).content.decode()
    assert MASKED in page
    assert "5724" not in page
    h = ledger.h_a1
    response = client.post(
        url,
        {
            "village": h.village_id,
            "number": h.number,
            "head_name": "王建国",
            "members_count": 3,
            "address": h.address,
            "phone": "",
            "id_number": "",
            "notes": MASKED,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    h.refresh_from_db()
    assert (h.notes, h.members_count) == (TEXT, 3)


def test_help_given_is_masked_in_the_edit_form_and_kept_on_save(world, ledger, client_for):
    from ledgers.models import HelpGiven

    HelpGiven.objects.create(visit=ledger.visit, kind=HelpGiven.Kind.OTHER, description="转账到 13957246813 的账户")
    visit = Visit.objects.get(pk=ledger.visit.pk)
    client = client_for(world.town_staff)
    url = reverse("ledgers:visit_edit", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "转账到 139****6813 的账户" in page
    assert "13957246813" not in page
    response = client.post(
        url,
        edit_data(
            visit,
            **{"help-INITIAL_FORMS": "1", "help-0-kind": "other", "help-0-description": "转账到 139****6813 的账户"},
        ),
    )
    assert response.status_code == 302
    assert visit.help_items.get().description == "转账到 13957246813 的账户"
