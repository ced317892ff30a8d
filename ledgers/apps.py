from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("台账")

    def ready(self):
        # forum_demands puts the demands raised at forums and reception days on outreach's pages.
        from core.masking import register_free_text

        # audit registers the app's audit codes with core.
        from . import audit, forum_demands, household_panel  # noqa: F401
        from .models import Demand, DemandEvent, HelpGiven, Visit, VisitPhoto

        # Text people said (visits, demands): numbers in it are masked on every page and export
        # (core.masking), revealed one record at a time, audited.
        register_free_text(Visit, ["learned", "needs"], reveal_action="ledgers.visit_reveal_text")
        register_free_text(HelpGiven, ["description"], reveal_action="ledgers.visit_reveal_text")
        register_free_text(VisitPhoto, ["caption"], reveal_action="ledgers.visit_reveal_text")
        register_free_text(
            Demand,
            ["person_name", "title", "description", "resolution", "reply_text"],
            reveal_action="ledgers.demand_reveal_text",
        )
        register_free_text(DemandEvent, ["note"], reveal_action="ledgers.demand_reveal_text")
