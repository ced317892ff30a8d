"""Every Celery task has one shape: an <app>.<verb_noun> name, both time limits, the one retry
policy; every beat entry names a task; enqueueing waits for the commit and survives a dead broker."""

import logging

import pytest
from django.conf import settings
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from config.celery import app
from core.background import TRANSIENT_ERRORS, Task, enqueue_on_commit, task

OUR_APPS = {"core", "org", "reminders", "campaigns", "outreach", "ledgers", "pledges", "evaluations"}


def _our_tasks():
    app.loader.import_default_modules()  # what the worker does at start: autodiscover every tasks.py
    return {name: t for name, t in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_named_app_dot_verb_noun_after_its_own_app():
    tasks = _our_tasks()
    assert tasks
    for name, t in tasks.items():
        app_label, verb_noun = name.split(".")
        assert app_label in OUR_APPS, name
        assert t.__module__.split(".")[0] == app_label, (name, t.__module__)
        assert verb_noun.islower(), name
        assert verb_noun.isidentifier(), name


def test_every_task_has_a_soft_and_a_hard_time_limit_and_the_one_retry_policy():
    for name, t in _our_tasks().items():
        assert isinstance(t, Task), name
        assert 0 < t.soft_time_limit < t.time_limit, name
        assert (t.autoretry_for, t.max_retries, t.retry_jitter) == (TRANSIENT_ERRORS, 3, True), name
        assert t.retry_backoff == Task.retry_backoff, name


def test_every_beat_entry_names_a_task_that_exists():
    names = set(_our_tasks())
    for key, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in names, key


def test_a_task_name_or_limits_out_of_style_are_refused():
    with pytest.raises(ValueError, match="<app>.<verb_noun>"):
        task(name="outreach.tasks.check", soft_time_limit=1, time_limit=2)
    with pytest.raises(ValueError, match="soft time limit"):
        task(name="outreach.check", soft_time_limit=60, time_limit=60)


def test_a_dropped_connection_is_retried_and_a_bug_is_not(monkeypatch):
    from ledgers import tasks

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return 7

    monkeypatch.setattr(tasks, "demand_escalate_overdue", flaky)
    assert tasks.escalate_overdue_demands.apply().get() == 7
    assert len(calls) == 2

    def bug():
        calls.append(1)
        raise ValueError("a bug")

    calls.clear()
    monkeypatch.setattr(tasks, "demand_escalate_overdue", bug)
    result = tasks.escalate_overdue_demands.apply()
    assert result.failed()
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_task_is_sent_only_once_the_transaction_commits(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("outreach.check_import", 5)
        assert sent == []
    assert sent == [("outreach.check_import", [5])]


@pytest.mark.django_db
def test_with_the_broker_down_the_fallback_runs_or_the_sweep_is_left_to_catch_up(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def refused(name, args):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", refused)
    ran = []
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("outreach.check_import", 5, fallback=lambda: ran.append(5))
    assert ran == [5]
    with caplog.at_level(logging.ERROR, logger="core.background"), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("outreach.requeue_stale_imports")  # no fallback: the save still succeeds
    assert "left to its sweep" in caplog.text
