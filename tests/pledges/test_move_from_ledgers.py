"""Pledges left the ledgers app with their tables: what was granted or recorded under the old
label (``ledgers.approve_pledge``) belongs to the new one (``pledges.approve_pledge``)."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from tests.factories import UserFactory

take_over = import_module("pledges.migrations.0002_take_over_content_types")
PLEDGE_MODELS = ["pledge", "pledgeamendment", "pledgecategory", "pledgeprogress"]


def _as_before_the_move():
    ContentType.objects.filter(app_label="pledges").update(app_label="ledgers")
    ContentType.objects.clear_cache()


def test_a_group_granted_ledgers_approve_pledge_now_holds_pledges_approve_pledge(db):
    _as_before_the_move()
    group = Group.objects.create(name="旧授权")
    group.permissions.add(Permission.objects.get(content_type__app_label="ledgers", codename="approve_pledge"))
    leader = UserFactory(username="old_grant")
    leader.groups.add(group)

    take_over.forwards(apps, None)
    ContentType.objects.clear_cache()

    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [("pledges", "approve_pledge")]
    assert leader.has_perm("pledges.approve_pledge")
    assert sorted(ContentType.objects.filter(app_label="pledges").values_list("model", flat=True)) == PLEDGE_MODELS
    assert not ContentType.objects.filter(app_label="ledgers", model__in=PLEDGE_MODELS).exists()


def test_the_move_can_be_undone(db):
    take_over.backwards(apps, None)
    ContentType.objects.clear_cache()
    assert (
        sorted(ContentType.objects.filter(app_label="ledgers", model__in=PLEDGE_MODELS).values_list("model", flat=True))
        == PLEDGE_MODELS
    )
    take_over.forwards(apps, None)
    ContentType.objects.clear_cache()
    assert Permission.objects.filter(content_type__app_label="pledges", codename="withdraw_pledge").exists()
