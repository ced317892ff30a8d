"""Auditors read the trail in words: every action code has a Chinese label, and the filter is a list."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.audit import audit_record
from core.audit_labels import action_group, action_label, action_labels
from core.forms import action_filter_choices
from core.selectors import audit_event_list_for_user
from core.workflow import WORKFLOWS
from org.models import Cadre

URL = "core:audit_list"


def _outreach_admin_models():
    from outreach.admin import BigTableAdmin

    return [m._meta.model_name for m, a in admin.site._registry.items() if isinstance(a, BigTableAdmin)]


def _pledge_actions():
    from ledgers.pledge_services import TRANSITIONS

    return TRANSITIONS


def _demand_actions():
    from ledgers.demand_flow import TRANSITIONS

    return TRANSITIONS


def _import_kinds():
    from outreach.importing import IMPORTERS

    return IMPORTERS


def _free_text_models():
    from core.masking import free_text_models

    return free_text_models()


def _admin_log_actions():
    from core.receivers import ADMIN_ACTIONS

    return [*ADMIN_ACTIONS.values(), "admin.other"]


# Action expressions that are not plain strings, as the source spells them, and the codes they
# can produce. A new computed action fails the walk below until it is taught here.
COMPUTED_ACTIONS = {
    "transition.audit_action": lambda: [t.audit_action for t in _pledge_actions().values()],
    "f'ledgers.pledge_{action}'": lambda: [f"ledgers.pledge_{a}" for a in _pledge_actions()],
    "f'ledgers.demand_{action}'": lambda: [f"ledgers.demand_{a}" for a in _demand_actions()],
    # core.workflow.Workflow.finish writes the code of the transition's row, in every table.
    "self.transitions[action].audit_action": lambda: [
        t.audit_action for flow in WORKFLOWS for t in flow.transitions.values() if t.audit_action
    ],
    "f'outreach.import_{job.kind}'": lambda: [f"outreach.import_{kind}" for kind in _import_kinds()],
    "f'outreach.{obj._meta.model_name}_{verb}'": lambda: [
        f"outreach.{m}_{verb}" for m in _outreach_admin_models() for verb in ("admin_add", "admin_change")
    ],
    "f'outreach.{obj._meta.model_name}_admin_delete'": lambda: [
        f"outreach.{m}_admin_delete" for m in _outreach_admin_models()
    ],
    "ADMIN_ACTIONS.get(instance.action_flag, 'admin.other')": _admin_log_actions,
    # core.audit.audit_export hands its callers' codes on; the walk reads them at those calls.
    "action": lambda: [],
    "entry.reveal_action": lambda: [entry.reveal_action for entry in _free_text_models()],
    "reveal_action": lambda: [
        *(entry.reveal_action for entry in _free_text_models()),
        *(a.reveal_action for a in admin.site._registry.values() if getattr(a, "reveal_action", "")),
    ],
}

# Calls whose ``action=`` is an audit code: the writer and the export helper that calls it.
AUDIT_WRITERS = {"audit_record", "audit_export"}


def _codes_of(node, where, unknown):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes_of(node.body, where, unknown) | _codes_of(node.orelse, where, unknown)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):  # f"..."[:64]
        return _codes_of(node.value, where, unknown)
    source = ast.unparse(node)
    if source not in COMPUTED_ACTIONS:
        unknown.append(f"{where}: {source}")
        return set()
    return set(COMPUTED_ACTIONS[source]())


def written_action_codes():
    """Every action code some ``audit_record(action=...)`` or ``audit_export`` call in the project's apps can write."""
    base = Path(settings.BASE_DIR).resolve()
    codes, unknown, calls = set(), [], 0
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if base not in root.parents:
            continue  # Django's and third-party apps write no audit events
        for path in root.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                func = getattr(node, "func", None)
                if (
                    not isinstance(node, ast.Call)
                    or getattr(func, "id", getattr(func, "attr", None)) not in AUDIT_WRITERS
                ):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        calls += 1
                        where = f"{path.relative_to(base)}:{node.lineno}"
                        codes |= _codes_of(keyword.value, where, unknown)
    return codes, unknown, calls


def test_every_action_the_code_base_writes_has_a_chinese_label():
    codes, unknown, calls = written_action_codes()
    assert not unknown, f"teach COMPUTED_ACTIONS which codes these can write: {unknown}"
    # The walk itself must work: the apps write dozens of distinct codes from dozens of calls.
    assert calls > 50
    assert len(codes) > 70
    assert {"auth.login", "ledgers.pledge_progress", "outreach.household_reveal", "ledgers.demand_close"} <= codes
    unlabelled = sorted(code for code in codes if action_label(code) == code)
    assert not unlabelled, f"add these to core/audit_labels.py: {unlabelled}"


def test_every_labelled_code_is_offered_once_under_one_group():
    offered = [
        value
        for _label, options in action_filter_choices()[1:]
        for value, _text in options
        if not value.startswith("group:") and not value.endswith("*")
    ]
    assert sorted(offered) == sorted(action_labels())
    assert all(action_group(code) is not None for code in action_labels())


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


def _actions(client, **params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    assert "audit-filter-errors" not in response.content.decode(), params
    return sorted(row.action for row in response.context["page_obj"] if row.actor_repr != "auditor")


def test_the_audit_page_shows_labels_with_the_code_beside(world, client):
    _event(world, "ledgers.pledge_progress")
    _event(world, "outreach.household_reveal")
    _event(world, "test.nobody_labelled_me")
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
