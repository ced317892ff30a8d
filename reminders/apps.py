from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("提醒")

    def ready(self):
        # Each app registers its deadline kinds in <app>/deadlines.py.
        autodiscover_modules("deadlines")
        # audit registers the app's audit codes with core; links the deploy check of REMINDERS_SITE_URL.
        from . import audit, links  # noqa: F401
