"""Visits and demands (a demand is raised through its workflow, as the pages raise it)."""

import datetime

import factory

from ledgers import demand_flow
from ledgers.models import Demand, DemandCategory, Visit

from .org import CadreFactory, UserFactory
from .outreach import HouseholdFactory


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    cadre = factory.SubFactory(CadreFactory)
    household = factory.SubFactory(HouseholdFactory)
    visited_on = datetime.date(2026, 4, 15)
    method = Visit.Method.HOME
    ledger_book = "minqing"
    learned = "了解家庭情况"


def demand_category(code="land", name="土地征用"):
    # get_or_create: a transactional test flushes the rows the data migration ships.
    return DemandCategory.objects.get_or_create(code=code, defaults={"name": name})[0]


class DemandFactory(factory.django.DjangoModelFactory):
    """A demand raised by ``actor`` (a superuser unless given) through ``demand_flow.demand_raise``."""

    class Meta:
        model = Demand

    actor = factory.SubFactory(UserFactory, is_superuser=True, is_staff=True)
    unit = factory.LazyAttribute(lambda o: o.household.village if o.household else None)
    household = factory.SubFactory(HouseholdFactory)
    category = factory.LazyFunction(demand_category)
    title = factory.Sequence(lambda n: f"诉求{n}")

    @classmethod
    def _create(cls, model_class, *args, actor, **fields):
        return demand_flow.demand_raise(actor=actor, **fields)
