from django import template

from core.masking import mask_id_number, mask_phone
from core.templatetags.core_tags import person_name as core_person_name

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for filter links and exports)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None)
    return params.urlencode()


@register.filter
def visit_changeable(visit, user):
    """{% if v|visit_changeable:request.user %}: the edit and delete links (rule in services)."""
    from ledgers.services import visit_can_change

    return visit_can_change(user=user, visit=visit)


# Who acted, as a person (cadre name, else full name, else username): core's rule, one copy.
register.filter("person_name", core_person_name)
