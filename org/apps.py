from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("组织")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.scoping import register_hierarchy

        from .models import Cadre, OrgUnit

        register_hierarchy(unit_model=OrgUnit, profile_model=Cadre)
