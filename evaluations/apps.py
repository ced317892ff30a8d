from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("考核与评议")

    def ready(self):
        from core.masking import register_free_text

        from .models import Report

        # A report upward may quote cases with the people's numbers: masked like visit text.
        register_free_text(Report, ["content"], reveal_action="evaluations.report_reveal_text")
