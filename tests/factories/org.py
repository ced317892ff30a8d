"""Org units, users and cadres."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.models import AccountSecurity
from core.roles import GROUP_NAMES, sync_roles
from org.models import Cadre, OrgUnit


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """A unit of the tree: a root without ``parent``, else a child of ``parent`` (treebeard places it)."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgUnit.Kind.VILLAGE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **fields):
        # A tree node is never saved directly: its path is given by the tree manager.
        if parent is None:
            return model_class.objects.add_root(create_kwargs=fields)
        return model_class.objects.add_child(parent, create_kwargs=fields)


def make_unit(parent, code, name, kind):
    return OrgUnitFactory(parent=parent, code=code, name=name, kind=kind)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def chose_own_password(obj, create, extracted, **kwargs):
        # Test people log in as if they had already replaced their first password (core.accounts).
        if create:
            AccountSecurity.objects.filter(user=obj).update(must_change_password=False)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    user = factory.SubFactory(UserFactory)
    org_unit = factory.SubFactory(OrgUnitFactory, kind=OrgUnit.Kind.TOWNSHIP)
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
