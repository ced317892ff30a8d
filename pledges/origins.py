"""Where a pledge came from: a demand, a forum, a plan step, stored as a kind and an id.

The origin models live in the apps below pledges (ledgers.Demand, outreach.Forum,
campaigns.Milestone); an origin whose row is gone is shown as its kind and id.
``origin_queryset`` is the one answer to "which origins may this user pick": the staff form's
select (loaded by htmx when the kind changes) offers from it and the service refuses anything
outside it.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Milestone
from core.masking import mask_text
from core.scoping import is_scoped_model, scope_for_user
from ledgers.models import Demand
from outreach.models import Forum

ORIGIN_MODELS = {
    "demand": Demand,
    "forum": Forum,
    "milestone": Milestone,
}

# Newest first for demands and forums, plan order for steps.
_ORDERING = {
    "demand": ("-received_on", "-id"),
    "forum": ("-held_at", "-id"),
    "milestone": ("campaign_id", "number", "id"),
}
_RELATED = {"demand": ("unit",), "forum": ("village",), "milestone": ()}

# How many options the select offers (the newest); an older origin already chosen stays offered.
OPTIONS_LIMIT = 200


def origin_model(kind: str):
    """The model of an origin kind; None for "none"."""
    return ORIGIN_MODELS.get(kind)


def origin_queryset(*, kind: str, user, campaign=None):
    """The origins of ``kind`` the user may name: their subtree only (plan steps: visible plans).

    With ``campaign``, plan steps are that campaign's; demands and forums are that campaign's or
    recorded without one. None when the kind has no model (none).
    """
    model = origin_model(kind)
    if model is None:
        return None
    queryset = model._default_manager.all()
    if is_scoped_model(model):
        queryset = scope_for_user(queryset, user)
    if campaign is not None:
        if kind == "milestone":
            queryset = queryset.filter(campaign=campaign)
        else:
            queryset = queryset.filter(Q(campaign=campaign) | Q(campaign__isnull=True))
    return queryset.select_related(*_RELATED.get(kind, ())).order_by(*_ORDERING.get(kind, ("-pk",)))


def origin_options(*, kind: str, user, campaign=None, keep=None) -> list[tuple[int, str]]:
    """(id, label) pairs for the select: the newest OPTIONS_LIMIT, plus ``keep`` if it is allowed."""
    queryset = origin_queryset(kind=kind, user=user, campaign=campaign)
    if queryset is None:
        return []
    objects = list(queryset[:OPTIONS_LIMIT])
    if keep and all(obj.pk != keep for obj in objects):
        objects += list(queryset.filter(pk=keep))
    return [(obj.pk, origin_label(kind, obj)) for obj in objects]


def origin_label(kind: str, obj) -> str:
    if kind == "demand":
        return f"{obj.received_on:%Y-%m-%d} {obj.unit.name} · {mask_text(obj.title)}"
    if kind == "forum":
        return f"{timezone.localtime(obj.held_at):%Y-%m-%d} {obj.village.name} · {obj.title}"
    return str(obj)


def resolve_origin(kind: str, object_id: int | None):
    """The origin object, or None when there is none or the row is gone."""
    model = origin_model(kind)
    if model is None or object_id is None:
        return None
    try:
        return model._default_manager.get(pk=object_id)
    except ObjectDoesNotExist:
        return None
