from django.db.models import Count

from core.scoping import get_for_user_or_404, scope_for_user

from .models import Cadre, OrgUnit


def orgunit_tree_for_user(*, user):
    """The units the user may see, in tree order, each with its number of cadres."""
    return scope_for_user(OrgUnit.objects.all(), user).annotate(cadre_count=Count("cadres")).order_by("path")


def orgunit_get_for_user(*, user, code: str) -> OrgUnit:
    """One unit by code; 404 if it is outside the user's subtree."""
    return get_for_user_or_404(OrgUnit.objects.all(), user, code=code)


def orgunit_children(*, unit: OrgUnit):
    return OrgUnit.objects.get_children(unit).annotate(cadre_count=Count("cadres"))


def cadre_list_for_unit(*, unit: OrgUnit):
    """Cadres working directly in ``unit``."""
    return Cadre.objects.filter(org_unit=unit).select_related("user").order_by("-is_leader", "name")


def campaign_participants(campaign) -> list[OrgUnit]:
    """The units taking part in a campaign, in tree order.

    SUBTREE: the issuing unit and every unit below it whose level is in ``participating_kinds``
    (all units below the issuer when the list is empty). CHOSEN: the units picked by hand.
    """
    if campaign.is_template or campaign.issuing_unit_id is None:
        return []
    if campaign.participation == campaign.Participation.CHOSEN:
        return list(campaign.participating_units.order_by("path"))
    issuer = campaign.issuing_unit
    units = OrgUnit.objects.filter(path__startswith=issuer.path)
    if campaign.participating_kinds:
        units = units.filter(kind__in=campaign.participating_kinds)
    else:
        units = units.exclude(pk=issuer.pk)
    return list(units.order_by("path"))
