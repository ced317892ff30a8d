"""Auditors read the trail in words: every code an app may write is declared with a Chinese label.

The codes are the apps' own ``TextChoices`` (``<app>/audit.py``) registered with core
(``core.audit_codes``); ``audit_record`` refuses any other code, so a code that is written has a
label by construction. Codes built at run time (a workflow step, an importer, an admin model) are
checked here against the things that build them.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from campaigns.audit import CampaignsAudit
from core.audit import CoreAudit, audit_record
from core.audit_codes import (
    AuditFamily,
    action_group,
    action_label,
    action_labels,
    register_audit_codes,
    registered_codes,
)
from core.forms import action_filter_choices
from core.masking import free_text_models
from core.models import AuditEvent
from core.receivers import ADMIN_ACTIONS
from core.selectors import audit_event_list_for_user
from core.workflow import WORKFLOWS
from evaluations.audit import EvaluationsAudit
from ledgers.audit import LedgersAudit
from org.models import Cadre
from outreach.audit import OutreachAudit
from pledges.audit import PledgesAudit
from reminders.audit import RemindersAudit

URL = "core:audit_list"
APP_CODES = [CoreAudit, CampaignsAudit, OutreachAudit, LedgersAudit, PledgesAudit, EvaluationsAudit, RemindersAudit]
# Where an app's codes are not ``<app>.``: Django's own events are core's, and pledges keep the
# names they had in ledgers, which stored rows carry.
CODE_PREFIXES = {"core": ("auth.", "admin.", "core."), "pledges": ("ledgers.pledge_",)}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_app_declares_its_codes_and_core_knows_exactly_those():
    declared = [member.value for choices in APP_CODES for member in choices]
    assert len(declared) == len(set(declared)), "a code is declared twice"
    assert sorted(registered_codes()) == sorted(declared)
    assert len(declared) > 70
    # Each app writes under its own name.
    for choices in APP_CODES:
        app = choices.__module__.split(".")[0]
        prefixes = CODE_PREFIXES.get(app, (f"{app}.",))
        assert all(member.value.startswith(prefixes) for member in choices), choices


@pytest.mark.parametrize("code", registered_codes())
def test_every_registered_code_has_a_chinese_label_and_an_english_one(code):
    label = action_labels()[code]
    with translation.override("zh-hans"):
        chinese = str(label)
    with translation.override("en"):
        english = str(label)
    assert CHINESE.search(chinese), code
    assert english != chinese, code
    assert not CHINESE.search(english), (code, english)


def test_an_undeclared_code_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValueError, match="not declared"):
        audit_record(action="ledgers.visit_recorded", actor=world.town_staff, obj=world.village_a1)
    assert not AuditEvent.objects.filter(action="ledgers.visit_recorded").exists()


def test_an_enum_member_is_written_as_its_plain_code(world):
    event = audit_record(action=LedgersAudit.VISIT_RECORD, actor=world.town_staff, obj=world.village_a1)
    event.refresh_from_db()
    assert event.action == "ledgers.visit_record"
    assert type(event.action) is str


def test_a_code_two_apps_declare_is_refused(extra_audit_codes):
    from django.db.models import TextChoices

    class Clash(TextChoices):
        LOGIN = "auth.login", "登录"

    with pytest.raises(ValueError, match="declared by"):
        register_audit_codes(Clash)


def test_a_legacy_code_is_labelled_and_offered_but_never_written_again(world, client, extra_audit_codes):
    from django.db.models import TextChoices

    class OldNames(TextChoices):
        VISIT_ADD = "ledgers.visit_add", "登记走访（旧）"

    register_audit_codes(OldNames, legacy=True)
    assert "ledgers.visit_add" not in registered_codes(legacy=False)
    with pytest.raises(ValueError, match="legacy"):
        audit_record(action="ledgers.visit_add", actor=world.town_staff, obj=world.village_a1)
    _stored_row(world, "ledgers.visit_add")
    assert action_label("ledgers.visit_add") == "登记走访（旧）"
    assert "ledgers.visit_add" in _offered()
    client.force_login(world.auditor)
    assert _actions(client, action="ledgers.visit_add") == ["ledgers.visit_add"]
    assert _actions(client, action="group:visits") == ["ledgers.visit_add"]


def _outreach_admin_models():
    from outreach.admin import BigTableAdmin

    return [m._meta.model_name for m, a in admin.site._registry.items() if isinstance(a, BigTableAdmin)]


def test_codes_built_at_run_time_are_all_declared():
    from ledgers.demand_flow import ACTION_LABELS as DEMAND_ACTIONS
    from outreach.importing import IMPORTERS
    from pledges.services import ACTION_LABELS as PLEDGE_ACTIONS
    from pledges.services import APPROVAL_ACTIONS, PLEDGE_FLOW

    built = {
        # Every step of a demand's history is written as ``ledgers.demand_<action>``.
        *(f"ledgers.demand_{action}" for action in DEMAND_ACTIONS),
        *(f"outreach.import_{kind}" for kind in IMPORTERS),
        *(
            f"outreach.{model}_admin_{verb}"
            for model in _outreach_admin_models()
            for verb in ("add", "change", "delete")
        ),
        *(entry.reveal_action for entry in free_text_models()),
        *(a.reveal_action for a in admin.site._registry.values() if getattr(a, "reveal_action", "")),
        *ADMIN_ACTIONS.values(),
        # core.workflow.Workflow.finish writes the code of the transition's row, in every table.
        *(t.audit_action for flow in WORKFLOWS for t in flow.transitions.values() if t.audit_action),
    }
    assert not sorted(built - set(registered_codes(legacy=False)))
    # A workflow step's audit label is the step's own name.
    with translation.override("zh-hans"):
        for action, label in DEMAND_ACTIONS.items():
            assert action_label(f"ledgers.demand_{action}") == f"诉求：{label}"
        for action in APPROVAL_ACTIONS:
            assert action_label(PLEDGE_FLOW[action].audit_action) == f"承诺事项：{PLEDGE_ACTIONS[action]}"


def test_a_family_under_a_heading_core_does_not_have_is_refused(extra_audit_codes):
    with pytest.raises(ValueError, match="no heading"):
        register_audit_codes(RemindersAudit, families=(AuditFamily("reminders.", "提醒", group="nowhere"),))


def _offered():
    return [
        value
        for _label, options in action_filter_choices()[1:]
        for value, _text in options
        if not value.startswith("group:") and not value.endswith("*")
    ]


def test_the_audit_page_filter_offers_every_registered_code_once_under_one_group():
    offered = _offered()
    assert sorted(offered) == sorted(registered_codes())
    assert all(action_group(code) is not None for code in registered_codes())


def test_labels_are_chinese_and_unknown_codes_show_as_they_are():
    assert action_label("auth.login_failed") == "登录失败"
    assert action_label("ledgers.pledge_progress") == "报告承诺进展"
    # The workflow steps reuse the app's own labels.
    assert action_label("ledgers.demand_close") == "诉求：销号"
    assert action_label("ledgers.pledge_approve") == "承诺事项：审批通过"
    assert action_label("outreach.householdmember_admin_delete") == "后台删除家庭成员"
    assert action_label("test.nobody_labelled_me") == "test.nobody_labelled_me"


def _event(world, action, *, unit=None, success=True):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    request.user = world.town_staff
    with time_machine.travel(datetime(2026, 3, 2, 4, 0, tzinfo=UTC), tick=False):
        return audit_record(action=action, unit=unit or world.village_a1, success=success, request=request)


def _stored_row(world, action):
    """A row as stored by an earlier version of the code: written directly, not through audit_record."""
    with time_machine.travel(datetime(2026, 3, 2, 4, 0, tzinfo=UTC), tick=False):
        return AuditEvent.objects.create(
            action=action, actor=world.town_staff, actor_repr="town_staff", unit=world.village_a1
        )


def _actions(client, **params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    assert "audit-filter-errors" not in response.content.decode(), params
    return sorted(row.action for row in response.context["page_obj"] if row.actor_repr != "auditor")


def test_the_audit_page_shows_labels_with_the_code_beside(world, client):
    _event(world, "ledgers.pledge_progress")
    _event(world, "outreach.household_reveal")
    _stored_row(world, "test.nobody_labelled_me")  # a code no app declares any more
    client.force_login(world.auditor)
    page = client.get(reverse(URL)).content.decode()
    assert "报告承诺进展" in page
    assert "查看户主完整证件号或电话" in page
    assert '<small class="text-muted font-monospace">ledgers.pledge_progress</small>' in page
    assert '<small class="text-muted font-monospace">test.nobody_labelled_me</small>' in page
    # The filter is a list grouped by app, not a box expecting a code.
    assert '<select name="action"' in page
    for heading in ["账号与登录", "主题活动", "群众与结对", "走访与诉求", "承诺办实事", "提醒"]:
        assert f'<optgroup label="{heading}">' in page


def test_group_family_and_single_action_filters(world, client):
    for action in [
        "auth.login",
        "auth.login_failed",
        "ledgers.pledge_create",
        "ledgers.pledge_approve",
        "ledgers.demand_raise",
        "ledgers.visit_record",
        "outreach.forum_create",
        "outreach.household_create",
        "outreach.export",
        "outreach.export_personal",
    ]:
        _event(world, action)
    client.force_login(world.auditor)
    assert _actions(client, action="group:pledges") == ["ledgers.pledge_approve", "ledgers.pledge_create"]
    assert _actions(client, action="group:visits") == [
        "ledgers.demand_raise",
        "ledgers.visit_record",
        "outreach.forum_create",
    ]
    assert _actions(client, action="group:people") == [
        "outreach.export",
        "outreach.export_personal",
        "outreach.household_create",
    ]
    assert _actions(client, action="ledgers.pledge_*") == ["ledgers.pledge_approve", "ledgers.pledge_create"]
    # One action is that action, not every code that starts with it.
    assert _actions(client, action="auth.login") == ["auth.login"]
    assert _actions(client, action="outreach.export") == ["outreach.export"]
    assert _actions(client, action="outreach.export*") == ["outreach.export", "outreach.export_personal"]
    # The old free-text prefix still works and stays visible as the chosen option.
    response = client.get(reverse(URL), {"action": "auth"})
    assert sorted(e.action for e in response.context["page_obj"] if e.actor_repr != "auditor") == [
        "auth.login",
        "auth.login_failed",
    ]
    assert '<option value="auth" selected>' in response.content.decode()
    assert (
        '<option value="group:pledges" selected>'
        in client.get(reverse(URL), {"action": "group:pledges"}).content.decode()
    )


def test_a_group_filter_stays_in_the_auditors_subtree(world, client):
    _event(world, "ledgers.pledge_create", unit=world.village_a1)
    _event(world, "ledgers.pledge_approve", unit=world.village_b1)
    _event(world, "ledgers.demand_raise", unit=world.village_b1)
    Cadre.objects.filter(user=world.auditor).update(org_unit=world.county_a)
    client.force_login(world.auditor)
    assert _actions(client, action="group:pledges") == ["ledgers.pledge_create"]
    assert _actions(client, action="ledgers.demand_*") == []
    assert _actions(client, action="ledgers.pledge_approve") == []


def test_an_unknown_action_filter_answers_in_chinese_and_shows_no_rows(world, client):
    _event(world, "auth.login")
    client.force_login(world.auditor)
    for value in ["nonsense.code", "group:nope", "*", "zzz*"]:
        response = client.get(reverse(URL), {"action": value})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="audit-filter-errors"' in page, value
        assert f"没有“{value}”这种操作类型，请从列表中选择。" in page, value
        assert list(response.context["page_obj"]) == [], value


def test_the_selector_still_takes_a_prefix_or_several(world):
    _event(world, "ledgers.pledge_create")
    _event(world, "ledgers.demand_raise")
    _event(world, "auth.login")

    def actions(**filters):
        return sorted(audit_event_list_for_user(user=world.auditor, filters=filters).values_list("action", flat=True))

    assert actions(action="ledgers.pledge_") == ["ledgers.pledge_create"]
    assert actions(action=("ledgers.pledge_", "auth.")) == ["auth.login", "ledgers.pledge_create"]
    assert actions(action_exact="ledgers.demand_raise") == ["ledgers.demand_raise"]


def test_back_office_audit_list_shows_labels_and_filters_by_group(client, world):
    audit_record(action="auth.login", actor=world.superuser, unit=world.city)
    audit_record(action="ledgers.pledge_approve", actor=world.superuser, unit=world.city)
    client.force_login(world.superuser)
    url = reverse("admin:core_auditevent_changelist")

    page = client.get(url).content.decode()
    assert action_label("ledgers.pledge_approve") in page
    assert "ledgers.pledge_approve" in page  # the code stays visible beside its label

    pledges_only = client.get(url, {"group": "pledges"}).content.decode()
    assert "ledgers.pledge_approve" in pledges_only
    assert "auth.login" not in pledges_only
