from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("群众与结对")

    def ready(self):
        from core.masking import register_free_text

        from . import audit  # noqa: F401  (registers the app's audit codes with core)
        from .models import Forum, Household, ReceptionDay

        # Text people said or wrote down about them: numbers in it are masked (core.masking).
        register_free_text(Household, ["address", "notes"], reveal_action="outreach.household_reveal_text")
        register_free_text(Forum, ["attendee_list", "summary"], reveal_action="outreach.forum_reveal_text")
        register_free_text(ReceptionDay, ["notes"], reveal_action="outreach.receptionday_reveal_text")
