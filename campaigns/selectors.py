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
