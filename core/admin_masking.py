"""Personal data in the back office, masked and audited as on the staff pages (core.masking).

``PersonalDataAdminMixin`` on a model admin or inline:
- lists always show free text and numbers masked (as the staff lists do);
- without ``outreach.view_personal_data`` the change form shows the personal fields (structured
  numbers in ``masked_fields`` and the model's registered free text) as read-only masked text,
  so the stored values never reach the page, not even as input values, and cannot be changed
  there;
- with the permission the form holds the values, and opening it is an audit event
  (``reveal_action``, or the model's free-text reveal code), as for the household admin.
"""

from django.contrib import admin

from .audit import audit_record
from .masking import can_view_personal_data, free_text_entry, mask_text

MASKED_PREFIX = "masked__"


class PersonalDataAdminMixin:
    masked_fields: dict = {}  # structured field name → masker (e.g. {"person_phone": mask_phone})
    reveal_action: str = ""  # audit code of opening the change form with the values shown

    def _maskers(self) -> dict:
        maskers = {}
        entry = free_text_entry(self.model._meta.label_lower)
        if entry is not None:
            maskers.update(dict.fromkeys(entry.fields, mask_text))
        maskers.update(self.masked_fields)
        return maskers

    def __getattr__(self, name):
        # ``masked__<field>``: a read-only display of the field, masked (list columns, forms).
        if name.startswith(MASKED_PREFIX):
            field_name = name.removeprefix(MASKED_PREFIX)
            masker = self._maskers().get(field_name)
            if masker is not None:
                field = self.model._meta.get_field(field_name)

                @admin.display(description=field.verbose_name, ordering=field_name)
                def show(obj):
                    return masker(getattr(obj, field_name, "") or "") if obj is not None else ""

                return show
        raise AttributeError(name)

    def _masked_names(self, names) -> list:
        maskers = self._maskers()
        return [f"{MASKED_PREFIX}{name}" if name in maskers else name for name in names]

    def get_list_display(self, request):
        return self._masked_names(super().get_list_display(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or can_view_personal_data(request.user):  # an add form holds nothing stored yet
            return fieldsets
        return [(title, {**opts, "fields": self._masked_names(opts["fields"])}) for title, opts in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return self.with_masked_readonly(request, super().get_readonly_fields(request, obj), obj)

    def with_masked_readonly(self, request, readonly, obj) -> list:
        """``readonly`` plus the masked displays a user without the permission gets instead."""
        if obj is None or can_view_personal_data(request.user):
            return list(readonly)
        return [*readonly, *(f"{MASKED_PREFIX}{name}" for name in self._maskers())]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and can_view_personal_data(request.user):
            obj = self.get_queryset(request).filter(pk=object_id).first()
            entry = free_text_entry(self.model._meta.label_lower)
            reveal_action = self.reveal_action or (entry.reveal_action if entry is not None else "")
            if obj is not None and reveal_action:
                audit_record(action=reveal_action, actor=request.user, obj=obj, detail={"field": "admin_change_form"})
        return response
