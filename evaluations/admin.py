from django.contrib import admin

from core.admin import ScopedModelAdmin
from core.admin_masking import PersonalDataAdminMixin

from .models import Report


@admin.register(Report)
class ReportAdmin(PersonalDataAdminMixin, ScopedModelAdmin):
    list_display = ["title", "campaign", "unit", "due_date", "submitted_on"]
    list_filter = ["submitted_on", "due_date", "campaign"]
    search_fields = ["title", "unit__name", "campaign__title"]
    list_select_related = ["campaign", "unit"]
    # Scoped search widgets only: a raw-id box prints whatever a primary key in the URL names.
    autocomplete_fields = ["campaign", "unit", "requirement"]
    date_hierarchy = "due_date"
    readonly_fields = ["submitted_by"]

    def save_model(self, request, obj, form, change):
        # Who submitted is recorded, not typed: the user who filled in the submission date.
        if "submitted_on" in form.changed_data:
            obj.submitted_by = request.user if obj.submitted_on else None
        super().save_model(request, obj, form, change)
