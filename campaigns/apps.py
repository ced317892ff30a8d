from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("主题活动")

    def ready(self):
        from . import audit  # noqa: F401  (registers the app's audit codes with core)
