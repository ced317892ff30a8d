"""Work is never lost or doubled (concurrent "new household" included): nothing doubled, nothing
silently overwritten.

Every test goes through the pages as a browser would: it reads the form as rendered (with its
hidden token or version), fills it in, and posts it — twice, late, or from several threads at once.
The thread races need PostgreSQL (DATABASE_URL=postgres://...): SQLite has no concurrent writers.
"""

import datetime
import re
import threading
import time
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outreach.models import Forum, Household, HouseholdMember, ReceptionDay
from tests.ledgers.conftest import cadre_of

pytestmark = pytest.mark.django_db


class _PostForms(HTMLParser):
    """Each POST form of a page as the browser would send it: {name: [values]}."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "select" and name:
            self._select = name
            self._form.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._form[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = [""]

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # A browser drops the newline that follows <textarea>.
            if self._form is not None and self._textarea:
                self._form[self._textarea][0] = self._form[self._textarea][0].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_on(response, holding: str, **changes) -> dict:
    """The page's POST form holding the field ``holding``, filled as rendered, with ``changes`` typed in."""
    assert response.status_code in (200, 403, 409), response.status_code
    parser = _PostForms()
    parser.feed(response.content.decode())
    forms = [f for f in parser.forms if holding in f]
    assert forms, f"no form with {holding} on the page"
    data = {name: values if len(values) != 1 else values[0] for name, values in forms[0].items()}
    for name, value in changes.items():
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def _token(data) -> str:
    # Old pages carry no token; a random one then changes nothing in what they do.
    return data.get("token", "")


def _household_form(client, world, **changes):
    page = client.get(reverse("outreach:household_create"))
    typed = {
        "village": world.village_a1.pk,
        "number": "0100",
        "head_name": "赵桂英",
        "members_count": 2,
        "address": "一组",
        "phone": "13800001111",
        "id_number": "",
        "notes": "",
    }
    typed.update(changes)
    return form_on(page, "head_name", **typed)


# ---------------------------------------------------------------- replays (double taps, resent pages)


def test_a_replayed_new_household_post_lands_on_the_household_it_registered(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = _household_form(client, world)
    first = client.post(reverse("outreach:household_create"), data)
    again = client.post(reverse("outreach:household_create"), data, follow=True)
    household = Household.objects.get(village=world.village_a1, number="0100")
    assert first.status_code == 302
    assert again.redirect_chain[-1][0] == reverse("outreach:household_detail", args=[household.pk])
    assert "这份表单已经提交过，没有重复保存。" in again.content.decode()


def test_a_second_household_with_a_taken_number_is_a_friendly_form_error(world, ledger, client_for):
    client = client_for(world.town_staff)
    client.post(reverse("outreach:household_create"), _household_form(client, world))
    response = client.post(reverse("outreach:household_create"), _household_form(client, world, head_name="别人"))
    assert response.status_code == 200
    assert Household.objects.filter(village=world.village_a1, number="0100").count() == 1


def test_a_replayed_member_post_adds_one_member(world, ledger, client_for):
    client = client_for(world.town_staff)
    url = reverse("outreach:member_create", args=[ledger.h_a1.pk])
    data = form_on(client.get(url), "name", name="王小红", relation="女", birth_year=2012)
    responses = [client.post(url, data) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert {r["Location"] for r in responses} == {reverse("outreach:household_detail", args=[ledger.h_a1.pk])}
    assert HouseholdMember.objects.filter(household=ledger.h_a1, name="王小红").count() == 1


def test_a_member_form_posted_to_a_household_of_another_township_is_not_found(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = form_on(client.get(reverse("outreach:member_create", args=[ledger.h_a1.pk])), "name", name="王小红")
    response = client.post(reverse("outreach:member_create", args=[ledger.h_a2.pk]), data)
    assert response.status_code == 404
    assert not HouseholdMember.objects.filter(name="王小红").exists()


def test_a_replayed_forum_post_records_one_forum(world, ledger, client_for):
    client = client_for(world.town_staff)
    url = reverse("outreach:forum_new")
    held = timezone.localtime() - datetime.timedelta(days=1)
    data = form_on(
        client.get(url),
        "place",
        village=world.village_a1.pk,
        title="群众访谈日",
        held_at=held.strftime("%Y-%m-%dT%H:%M"),
        place="甲一村文化广场",
        attendance=30,
    )
    first, again = client.post(url, data), client.post(url, data)
    forum = Forum.objects.get(place="甲一村文化广场")
    detail = reverse("outreach:forum_detail", args=[forum.pk])
    assert (first.status_code, first["Location"], again.status_code, again["Location"]) == (302, detail, 302, detail)


def test_a_replayed_reception_day_post_records_one_day(world, ledger, client_for):
    client = client_for(world.office_admin)
    url = reverse("outreach:reception_new")
    data = form_on(
        client.get(url),
        "visitors_count",
        leader=cadre_of(world.county_leader).pk,
        held_on=ledger.today.isoformat(),
        channel="in_person",
        place="镇便民服务中心",
        visitors_count=7,
    )
    first, again = client.post(url, data), client.post(url, data)
    day = ReceptionDay.objects.get(place="镇便民服务中心")
    detail = reverse("outreach:reception_detail", args=[day.pk])
    assert (first.status_code, first["Location"], again.status_code, again["Location"]) == (302, detail, 302, detail)


def test_a_pairing_form_posted_twice_lands_on_the_pairing_not_on_an_error(world, ledger, client_for):
    client = client_for(world.town_staff)
    url = reverse("outreach:pairing_create", args=[ledger.h_a1.pk])
    data = form_on(
        client.get(url),
        "kind",
        campaign=ledger.campaign.pk,
        cadre=cadre_of(world.town_staff).pk,
        kind="support",
        start_date=ledger.today.isoformat(),
    )
    first, again = client.post(url, data), client.post(url, data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert ledger.h_a1.pairings.count() == 1


def test_a_form_whose_token_was_tampered_with_comes_back_with_a_fresh_one(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = _household_form(client, world, token="not-a-token")
    response = client.post(reverse("outreach:household_create"), data)
    assert response.status_code == 200
    assert "页面已过期，请核对后再次提交。" in response.content.decode()
    assert not Household.objects.filter(number="0100").exists()
    again = client.post(reverse("outreach:household_create"), form_on(response, "head_name"))
    assert again.status_code == 302
    assert Household.objects.filter(number="0100").count() == 1


# ---------------------------------------------------------------- stale edits


def test_a_stale_household_edit_shows_who_changed_it_and_keeps_what_was_typed(world, ledger, client_for):
    household = ledger.h_a1b
    url = reverse("outreach:household_edit", args=[household.pk])
    mine = client_for(world.town_staff)
    stale = form_on(mine.get(url), "head_name", notes="低保复核中")
    # Meanwhile the office admin, in another browser, moves the household's address.
    other = Client()
    other.force_login(world.office_admin)
    other.post(url, form_on(other.get(url), "head_name", address="甲一村5组8号"))

    response = mine.post(url, stale)

    page = response.content.decode()
    assert response.status_code == 409
    assert "office_admin 于" in page  # the person's name (their cadre's), and when
    assert "甲一村5组8号" in page  # what they saved, next to what differs
    assert "低保复核中" in page  # what I typed is still in the form
    household.refresh_from_db()
    assert (household.address, household.notes) == ("甲一村5组8号", "")
    # The form came back on the current version: saving again, after reading, goes through.
    assert mine.post(url, form_on(response, "head_name")).status_code == 302
    household.refresh_from_db()
    assert household.notes == "低保复核中"


def test_saving_the_same_household_edit_twice_is_not_a_conflict(world, ledger, client_for):
    url = reverse("outreach:household_edit", args=[ledger.h_a1b.pk])
    client = client_for(world.town_staff)
    data = form_on(client.get(url), "head_name", notes="重复点击保存")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302


def test_a_stale_member_edit_is_refused_and_keeps_the_colleagues_change(world, ledger, client_for):
    member = ledger.member
    url = reverse("outreach:member_edit", args=[member.pk])
    mine = client_for(world.town_staff)
    stale = form_on(mine.get(url), "name", relation="长子")
    other = Client()
    other.force_login(world.office_admin)
    other.post(url, form_on(other.get(url), "name", birth_year=2010))
    response = mine.post(url, stale)
    assert response.status_code == 409
    assert "长子" in response.content.decode()
    member.refresh_from_db()
    assert (member.relation, member.birth_year) == ("子", 2010)


def test_a_stale_forum_edit_is_refused(world, ledger, client_for):
    url = reverse("outreach:forum_edit", args=[ledger.forum.pk])
    mine = client_for(world.town_staff)
    stale = form_on(mine.get(url), "place", summary="群众反映修路问题")
    other = Client()
    other.force_login(world.office_admin)
    assert other.post(url, form_on(other.get(url), "place", attendance=55)).status_code == 302
    response = mine.post(url, stale)
    assert response.status_code == 409
    assert "office_admin 于" in response.content.decode()
    assert "群众反映修路问题" in response.content.decode()
    forum = Forum.objects.get(pk=ledger.forum.pk)
    assert (forum.attendance, forum.summary) == (55, "")


def test_a_stale_reception_day_edit_is_refused(world, ledger, client_for):
    url = reverse("outreach:reception_edit", args=[ledger.reception.pk])
    mine = client_for(world.office_admin)
    stale = form_on(mine.get(url), "visitors_count", notes="接待群众反映低保")
    other = Client()
    other.force_login(world.superuser)
    assert other.post(url, form_on(other.get(url), "visitors_count", visitors_count=9)).status_code == 302
    response = mine.post(url, stale)
    assert response.status_code == 409
    assert "接待群众反映低保" in response.content.decode()
    day = ReceptionDay.objects.get(pk=ledger.reception.pk)
    assert (day.visitors_count, day.notes) == (9, "")


def test_a_stale_household_change_in_the_admin_names_who_changed_it(world, ledger, client_for):
    from tests.core.admin_forms import admin_form_data

    household = ledger.h_a1b
    url = reverse("admin:outreach_household_change", args=[household.pk])
    admin_client = client_for(world.office_admin)
    data = admin_form_data(admin_client.get(url), "household_form")
    data["notes"] = ["后台备注"]
    colleague = Client()
    colleague.force_login(world.town_staff)
    edit = reverse("outreach:household_edit", args=[household.pk])
    colleague.post(edit, form_on(colleague.get(edit), "head_name", address="甲一村7组"))
    response = admin_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "在您填写期间，town_staff 于" in page
    assert "后台备注" in page
    household.refresh_from_db()
    assert (household.address, household.notes) == ("甲一村7组", "")


# ---------------------------------------------------------------- concurrent posts (PostgreSQL)


def _race(count, post, monkeypatch, slow_module):
    """``count`` threads post at once; each write holds its transaction open a moment after its
    insert (the audit call sleeps), so the posts overlap as they do on a busy server."""
    original = slow_module.audit_record

    def slow_audit(*args, **kwargs):
        event = original(*args, **kwargs)
        time.sleep(0.3)
        return event

    monkeypatch.setattr(slow_module, "audit_record", slow_audit)
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def worker(n):
        try:
            barrier.wait()
            outcomes[n] = post(n)
        except Exception as exc:  # noqa: BLE001 - an unhandled error is what a 500 would be
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _clients(user, count):
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=True)
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_concurrent_new_household_posts_make_one_row_and_no_500(world, monkeypatch):
    import outreach.services

    clients = _clients(world.town_staff, 2)
    data = _household_form(clients[0], world)
    url = reverse("outreach:household_create")
    outcomes = _race(2, lambda n: clients[n].post(url, data), monkeypatch, outreach.services)
    assert all(getattr(o, "status_code", None) == 302 for o in outcomes), outcomes
    household = Household.objects.get(village=world.village_a1, number="0100")
    assert {o["Location"] for o in outcomes} == {reverse("outreach:household_detail", args=[household.pk])}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_people_registering_one_number_at_once_get_one_row_and_a_message(world, monkeypatch):
    import outreach.services

    clients = _clients(world.town_staff, 2)
    forms = [_household_form(clients[n], world, head_name=f"户主{n}") for n in range(2)]
    url = reverse("outreach:household_create")
    outcomes = _race(2, lambda n: clients[n].post(url, forms[n]), monkeypatch, outreach.services)
    codes = sorted(getattr(o, "status_code", repr(o)) for o in outcomes)
    assert codes == [200, 302], outcomes
    refused = next(o for o in outcomes if o.status_code == 200)
    assert re.search("已有户号为 0100 的农户", refused.content.decode())
    assert Household.objects.filter(village=world.village_a1, number="0100").count() == 1


# ---------------------------------------------------------------- a stale tab after re-login


def _rotated(client):
    """Signing in again in another tab gives the browser a new CSRF cookie; old tabs keep the old token."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()


def test_a_visit_posted_from_a_stale_tab_comes_back_filled_in_and_unsaved(world, ledger):
    from ledgers.models import Visit

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.town_staff)
    url = reverse("ledgers:visit_entry")
    typed = form_on(
        client.get(url),
        "learned",
        household=ledger.h_a1.pk,
        learned="老人独居，屋顶漏雨，需要尽快维修",
        needs="申请危房改造",
    )
    before = Visit.objects.count()
    _rotated(client)
    client.force_login(world.town_staff)

    response = client.post(url, typed)

    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in page
    assert "老人独居，屋顶漏雨，需要尽快维修" in page
    assert "申请危房改造" in page
    assert ledger.h_a1.head_name in page  # the chosen household is still chosen
    assert Visit.objects.count() == before
    # The page carries a fresh CSRF token (and the same submission token): submitting it saves once.
    again = form_on(response, "learned")
    assert again["token"] == typed["token"]
    assert client.post(url, again).status_code == 302
    assert client.post(url, again).status_code == 302
    assert Visit.objects.filter(learned="老人独居，屋顶漏雨，需要尽快维修").count() == 1


def test_a_household_edit_from_a_stale_tab_comes_back_filled_in_and_unsaved(world, ledger):
    household = ledger.h_a1b
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.town_staff)
    url = reverse("outreach:household_edit", args=[household.pk])
    typed = form_on(client.get(url), "head_name", notes="低保复核中")
    _rotated(client)
    response = client.post(url, typed)
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert "低保复核中" in response.content.decode()
    household.refresh_from_db()
    assert household.notes == ""
    assert client.post(url, form_on(response, "head_name")).status_code == 302
    household.refresh_from_db()
    assert household.notes == "低保复核中"


def test_a_stale_post_to_another_townships_household_is_still_not_found(world, ledger):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.town_staff)
    typed = form_on(client.get(reverse("outreach:household_edit", args=[ledger.h_a1b.pk])), "head_name", notes="x")
    _rotated(client)
    response = client.post(reverse("outreach:household_edit", args=[ledger.h_a2.pk]), typed)
    assert response.status_code == 404


def test_a_stale_post_elsewhere_gets_a_chinese_page_that_lists_what_was_typed(world, ledger):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.town_staff)
    page = client.get(ledger.demand.get_absolute_url())
    typed = form_on(page, "resolve_on_spot-resolution", **{"resolve_on_spot-resolution": "已协调镇土地所，当场答复"})
    _rotated(client)
    response = client.post(reverse("ledgers:demand_action", args=[ledger.demand.pk, "resolve_on_spot"]), typed)
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，本次提交没有保存" in page
    assert "已协调镇土地所，当场答复" in page
    assert not ledger.demand.events.filter(action="resolve_on_spot").exists()


def test_a_stale_visit_correction_names_who_corrected_it_first(world, ledger, client_for):
    url = reverse("ledgers:visit_edit", args=[ledger.visit.pk])
    mine = client_for(world.town_staff)
    stale = form_on(mine.get(url), "learned", needs="需要协调低保")
    other = Client()
    other.force_login(world.office_admin)
    assert other.post(url, form_on(other.get(url), "learned", learned="了解家庭情况，老人行动不便")).status_code == 302
    response = mine.post(url, stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "office_admin 于" in page
    assert "了解家庭情况，老人行动不便" in page  # what they saved
    assert "需要协调低保" in page  # what I typed
    ledger.visit.refresh_from_db()
    assert (ledger.visit.learned, ledger.visit.needs) == ("了解家庭情况，老人行动不便", "")


def test_a_household_edit_loaded_before_an_import_does_not_undo_the_import(world, ledger, client_for):
    from outreach.models import ImportJob
    from outreach.services import import_job_apply, import_job_check, import_job_create
    from tests.outreach.helpers import household_row, xlsx_bytes

    household = ledger.h_a1b
    url = reverse("outreach:household_edit", args=[household.pk])
    mine = client_for(world.town_staff)
    stale = form_on(mine.get(url), "head_name", notes="入户核实")
    row = household_row(world.village_a1b.code, household.number, head=household.head_name, address="甲一二村9组")
    job = import_job_create(actor=world.office_admin, kind="households", data=xlsx_bytes([row]), name="名册.xlsx")
    import_job_check(job_id=job.pk)
    import_job_apply(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE

    response = mine.post(url, stale)

    assert response.status_code == 409
    assert "office_admin 于" in response.content.decode()
    household.refresh_from_db()
    assert (household.address, household.notes) == ("甲一二村9组", "")
