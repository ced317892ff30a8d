"""The one scoping mechanism: every unit-owned query is limited to the user's OrgUnit subtree.

A model takes part by naming the lookup path to its OrgUnit in ``scope_unit_field`` (for
example ``"village"`` or ``"household__village"``). OrgUnit itself is scoped by its own path.
Models whose rows flow *down* the hierarchy (a city's campaign is read by its counties) set
``scope_includes_ancestors = True``: such rows are visible in the user's subtree and on the
path above it, never in a sibling branch.

Views, admin querysets, form choices, autocomplete, exports and tasks all call
``scope_for_user``; nothing filters by unit by hand.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

_PROFILE_CACHE_ATTR = "_minqing_profile"

# The hierarchy lives in the org app, above core; it registers its models here when it loads
# (org.apps.OrgConfig.ready), so core scopes by it without importing upward.
_hierarchy: dict[str, type] = {}


def register_hierarchy(*, unit_model, profile_model) -> None:
    """Declare the unit tree model and the per-user profile model (with ``user`` and ``org_unit``)."""
    _hierarchy["unit"] = unit_model
    _hierarchy["profile"] = profile_model


def unit_model():
    """The registered unit tree model (org.OrgUnit)."""
    return _hierarchy["unit"]


def profile_model():
    """The registered per-user profile model (org.Cadre)."""
    return _hierarchy["profile"]


def user_profile(user):
    """The user's profile (org.Cadre) with its unit, or None; one query per request at most.

    Cached on the user object, which lives for one request: the scoping below and the pages
    that need the user's own cadre (visit entry) share the one read.
    """
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, _PROFILE_CACHE_ATTR):
        profile = profile_model().objects.select_related("org_unit").filter(user_id=user.pk).first()
        setattr(user, _PROFILE_CACHE_ATTR, profile)
    return getattr(user, _PROFILE_CACHE_ATTR)


def user_scope_root(user):
    """The OrgUnit whose subtree the user may see, or None if the user sees nothing.

    Superusers are handled by the callers (they see everything).
    """
    profile = user_profile(user)
    return profile.org_unit if profile is not None else None


def sees_everything(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def is_scoped_model(model) -> bool:
    return model is unit_model() or getattr(model, "scope_unit_field", None) is not None


def _unit_prefix(model) -> str:
    if model is unit_model():
        return ""
    field = getattr(model, "scope_unit_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no scope_unit_field; it cannot be scoped")
    return f"{field}__"


def ancestor_paths(unit) -> list[str]:
    steplen = type(unit).steplen
    return [unit.path[: steplen * depth] for depth in range(1, unit.depth)]


def scope_for_user(queryset: QuerySet, user) -> QuerySet:
    """Limit ``queryset`` to rows the user may see; see the module docstring."""
    if sees_everything(user):
        return queryset
    root = user_scope_root(user) if user is not None and user.is_active else None
    if root is None:
        return queryset.none()
    custom = getattr(queryset.model, "scope_condition", None)
    if custom is not None:  # a model that keeps its unit as text too (the audit trail)
        return queryset.filter(custom(root))
    prefix = _unit_prefix(queryset.model)
    condition = Q(**{f"{prefix}path__startswith": root.path})
    if getattr(queryset.model, "scope_includes_ancestors", False):
        condition |= Q(**{f"{prefix}path__in": ancestor_paths(root)})
    return queryset.filter(condition)


def get_for_user_or_404(queryset: QuerySet, user, **lookups):
    """The one object matching ``lookups`` that the user may see; 404 otherwise, never 403.

    A 404 for an object that exists outside the user's subtree is an audit event (rate-limited).
    """
    try:
        return get_object_or_404(scope_for_user(queryset, user), **lookups)
    except Http404:
        if not sees_everything(user):
            from .audit import audit_scope_denial

            audit_scope_denial(user=user, queryset=queryset, lookups=lookups)
        raise


def unit_of(obj):
    """The OrgUnit an object belongs to, by following its ``scope_unit_field``."""
    if isinstance(obj, unit_model()):
        return obj
    value = obj
    for part in obj.scope_unit_field.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value


def user_can_see_unit(user, unit) -> bool:
    if sees_everything(user):
        return True
    root = user_scope_root(user)
    return root is not None and unit is not None and unit.path.startswith(root.path)


def require_unit_visible(user, unit):
    if not user_can_see_unit(user, unit):
        raise Http404


class ScopedQuerySet(QuerySet):
    def for_user(self, user):
        return scope_for_user(self, user)
