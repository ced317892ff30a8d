from datetime import timedelta

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """A duration in whole minutes (rounded up), for sentences like "请 30 分钟后再试"."""
    if not isinstance(value, timedelta):
        return ""
    return max(1, -(-int(value.total_seconds()) // 60))


@register.filter
def person_name(user):
    """{{ event.actor|person_name }}: who acted, as a person — cadre name, else full name, else username.

    Select ``<user>__cadre`` with the user to keep this free of queries.
    """
    if user is None:
        return ""
    try:
        cadre = user.cadre
    except ObjectDoesNotExist:
        cadre = None
    return (cadre.name if cadre is not None else "") or user.get_full_name().strip() or user.get_username()
