"""The auditor's filters on the audit trail: scoped, by Shanghai days, and polite about bad input."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from core.audit import audit_record
from core.selectors import audit_event_list_for_user
from org.models import Cadre

URL = "core:audit_list"


@pytest.fixture(autouse=True)
def _codes_these_tests_write(extra_audit_codes):
    extra_audit_codes("test.late_on_the_first", "test.early_on_the_second")


def _event(world, action, *, at, unit=None, success=True, actor=None, ip=None):
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=ip or "10.0.0.1")
    request.user = actor or world.town_staff
    with time_machine.travel(at, tick=False):
        return audit_record(action=action, unit=unit or world.village_a1, success=success, request=request)


def _actions(client, **params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    # Logging the auditor in is itself an event; leave it out.
    return [row.action for row in response.context["page_obj"] if row.actor_repr != "auditor"]


def test_the_auditor_filters_by_kind_account_result_and_ip(world, client):
    noon = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    _event(world, "auth.login", at=noon)
    _event(world, "auth.login_failed", at=noon, success=False, ip="192.168.9.9")
    _event(world, "admin.change", at=noon, actor=world.office_admin)
    client.force_login(world.auditor)
    assert sorted(_actions(client, action="auth")) == ["auth.login", "auth.login_failed"]
    assert _actions(client, account="office") == ["admin.change"]
    assert _actions(client, result="failure") == ["auth.login_failed"]
    assert sorted(_actions(client, result="success")) == ["admin.change", "auth.login"]
    assert _actions(client, ip="192.168.9.9") == ["auth.login_failed"]
    assert _actions(client, action="auth", result="success", account="town") == ["auth.login"]


def test_dates_are_whole_shanghai_days(world, client):
    # 2026-03-01 23:30 in Shanghai is still 1 March there, though it is 15:30 UTC.
    _event(world, "test.late_on_the_first", at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    # 00:10 on 2 March in Shanghai, 1 March in UTC.
    _event(world, "test.early_on_the_second", at=datetime(2026, 3, 1, 16, 10, tzinfo=UTC))
    client.force_login(world.auditor)
    assert _actions(client, date_from="2026-03-01", date_to="2026-03-01") == ["test.late_on_the_first"]
    assert _actions(client, date_from="2026-03-02") == ["test.early_on_the_second"]
    assert _actions(client, date_to="2026-02-28") == []


def test_bad_filters_answer_in_chinese_and_show_no_rows(world, client):
    _event(world, "auth.login", at=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    client.force_login(world.auditor)
    for params, message in [
        ({"date_from": "2026-13-45"}, "开始日期格式不对"),
        ({"date_to": "yesterday"}, "结束日期格式不对"),
        ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "开始日期不能晚于结束日期"),
        ({"ip": "999.1.1"}, "IP地址格式不对"),
        ({"result": "maybe"}, "结果只能是"),
        ({"action": "x" * 300}, "操作类型最多 64 个字符"),
    ]:
        response = client.get(reverse(URL), params)
        assert response.status_code == 200, params
        page = response.content.decode()
        assert 'data-testid="audit-filter-errors"' in page, params
        assert message in page, params
        assert list(response.context["page_obj"]) == [], params


def test_filters_never_reach_beyond_the_auditors_subtree(world, client):
    at = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    _event(world, "auth.login", at=at, unit=world.village_a1)
    _event(world, "auth.login", at=at, unit=world.village_b1, ip="10.9.9.9")
    Cadre.objects.filter(user=world.auditor).update(org_unit=world.county_a)
    client.force_login(world.auditor)
    assert _actions(client, action="auth") == ["auth.login"]
    assert _actions(client, ip="10.9.9.9") == []
    filtered = audit_event_list_for_user(user=world.auditor, filters={"action": "auth"})
    assert [e.unit for e in filtered] == [world.village_a1]


def test_the_filters_survive_paging(world, client):
    at = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    for _ in range(51):
        _event(world, "auth.login", at=at, success=False)
    _event(world, "auth.logout", at=at)
    client.force_login(world.auditor)
    page = client.get(reverse(URL), {"result": "failure"}).content.decode()
    assert "result=failure&amp;page=2" in page or "result=failure&page=2" in page
    second = client.get(reverse(URL), {"result": "failure", "page": 2})
    assert [e.action for e in second.context["page_obj"]] == ["auth.login"]
    assert second.context["page_obj"].paginator.count == 51
