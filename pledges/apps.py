from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("承诺办实事")

    def ready(self):
        from core.masking import register_free_text

        from . import audit  # noqa: F401  (registers the app's audit codes with core)
        from .models import Pledge, PledgeAmendment, PledgeProgress

        # Text that may name people (the household helped): numbers in it are masked on every page
        # and export (core.masking), revealed one record at a time, audited. The audit code keeps
        # the name it had when pledges lived in ledgers, so earlier reveals read the same.
        register_free_text(
            Pledge,
            [
                "title",
                "content",
                "target",
                "measures",
                "recipients",
                "origin_note",
                "return_comment",
                "withdrawal_reason",
                "completion_note",
            ],
            reveal_action="ledgers.pledge_reveal_text",
        )
        register_free_text(
            PledgeAmendment, ["old_value", "new_value", "reason"], reveal_action="ledgers.pledge_reveal_text"
        )
        register_free_text(PledgeProgress, ["note"], reveal_action="ledgers.pledge_reveal_text")
