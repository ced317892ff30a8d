"""Free text and numbers on pages: masked for everyone, revealed one record at a time.

``{{ text|masked_text }}`` masks (lists, truncated cells, print views). ``{% free_text obj "field" %}``
masks a field of a record and, for a user with the personal-data permission, adds a button that
reveals it through ``core:text_reveal`` (audited). Both use ``core.masking``.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.masking import can_view_personal_data, contains_personal_number, mask_id_number, mask_phone, mask_text

register = template.Library()


@register.filter
def masked_text(value):
    return mask_text(value)


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.simple_tag(takes_context=True)
def free_text(context, obj, field, default=""):
    """A free-text field of ``obj``, numbers masked, with an audited reveal for permitted users."""
    value = getattr(obj, field, "") or ""
    if not value:
        return default
    shown = linebreaksbr(mask_text(value), autoescape=True)
    request = context.get("request")
    user = getattr(request, "user", None)
    if not contains_personal_number(value) or not can_view_personal_data(user):
        return shown
    label = obj._meta.label_lower
    element_id = f"ft-{label.replace('.', '-')}-{obj.pk}-{field}"
    url = reverse("core:text_reveal", kwargs={"label": label, "pk": obj.pk, "field": field})
    return format_html(
        '<span id="{}" data-testid="free-text">{} <button type="button" class="btn btn-sm btn-link p-0 '
        'align-baseline" hx-post="{}" hx-target="#{}" title="{}" data-testid="reveal-text">'
        '<i class="bi bi-eye"></i> {}</button></span>',
        element_id,
        shown,
        url,
        element_id,
        _("查看完整号码会记入审计记录。"),
        _("显示号码"),
    )
