from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = _("系统与审计")

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from . import receivers  # noqa: F401  (auth and admin-log audit hooks)
        from .roles import sync_roles_after_migrate

        # Each app registers its file fields (who may read them) in <app>/files.py.
        autodiscover_modules("files")
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="minqing_sync_roles")


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin: its app has no verbose name to translate."""

    verbose_name = _("登录锁定")
