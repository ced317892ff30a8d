"""Where a pledge came from: a demand, a forum, a plan step. Resolved lazily by model label.

The origin models are built in other apps (ledgers.Demand, outreach.Forum, campaigns.Milestone);
until they exist the kind and id are kept and shown as text, and nothing here fails.
"""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist

ORIGIN_MODELS = {
    "demand": "ledgers.Demand",
    "forum": "outreach.Forum",
    "milestone": "campaigns.Milestone",
}


def origin_model(kind: str):
    label = ORIGIN_MODELS.get(kind)
    if label is None:
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def resolve_origin(kind: str, object_id: int | None):
    """The origin object, or None when there is none, its app is absent or the row is gone."""
    model = origin_model(kind)
    if model is None or object_id is None:
        return None
    try:
        return model._default_manager.get(pk=object_id)
    except ObjectDoesNotExist:
        return None
