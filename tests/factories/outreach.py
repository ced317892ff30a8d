"""Households, their members and pairings."""

import datetime

import factory

from outreach.models import Household, HouseholdMember, Pairing

from .campaigns import CampaignFactory
from .org import CadreFactory, OrgUnitFactory


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    village = factory.SubFactory(OrgUnitFactory, kind="village")
    number = factory.Sequence(lambda n: f"{n + 1:04d}")
    head_name = factory.LazyAttribute(lambda o: f"户主{o.number}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    campaign = factory.SubFactory(CampaignFactory)
    cadre = factory.SubFactory(CadreFactory)
    household = factory.SubFactory(HouseholdFactory)
    kind = Pairing.Kind.SUPPORT
    start_date = datetime.date(2026, 4, 1)
