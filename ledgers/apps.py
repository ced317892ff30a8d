from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("台账")

    def ready(self):
        # Celery autodiscovers only ``tasks.py``; pledge tasks live beside their services.
        from . import pledge_tasks  # noqa: F401
