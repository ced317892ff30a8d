from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("考核与评议")

    def ready(self):
        from campaigns.requirements import register_requirement_evaluator
        from core.masking import register_free_text

        from . import audit  # noqa: F401  (registers the app's audit codes with core)
        from .models import Report
        from .scoring import evaluate_requirement

        # A report upward may quote cases with the people's numbers: masked like visit text.
        register_free_text(Report, ["content"], reveal_action="evaluations.report_reveal_text")
        # The plan page (campaigns, below) shows requirement results: scoring reads every app
        # between, so campaigns declares the slot and the top layer fills it.
        register_requirement_evaluator(evaluate_requirement)
