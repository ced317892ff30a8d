"""Factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import GROUP_NAMES, sync_roles
from org.models import Cadre, OrgUnit


def make_unit(parent, code, name, kind):
    fields = {"code": code, "name": name, "kind": kind}
    if parent is None:
        return OrgUnit.objects.add_root(create_kwargs=fields)
    return OrgUnit.objects.add_child(parent, create_kwargs=fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"干部{n}")
    rank = Cadre.Rank.STAFF


def make_person(username, unit, role=None, *, is_staff=False, **cadre_fields):
    """A user with a cadre profile in ``unit`` and, optionally, one role group."""
    user = UserFactory(username=username, is_staff=is_staff)
    CadreFactory(user=user, org_unit=unit, name=cadre_fields.pop("name", username), **cadre_fields)
    if role is not None:
        if not Group.objects.filter(name=GROUP_NAMES[role]).exists():
            sync_roles()
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user
