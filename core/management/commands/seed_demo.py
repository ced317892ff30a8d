"""Build the demo data shown by `make run`. Idempotent: running it twice changes nothing."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.roles import sync_roles

PROJECT_APPS = ["core", "campaigns", "outreach", "ledgers", "pledges", "evaluations", "reminders"]


class Command(BaseCommand):
    help = "Load the demo campaign: a city, its counties, townships and villages, cadres and households."

    def handle(self, *args, **options):
        sync_roles()
        context = {}
        with transaction.atomic():
            for label in PROJECT_APPS:
                if not apps.is_installed(label):
                    continue
                try:
                    module = import_module(f"{label}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{label}.demo":
                        raise
                    continue
                # Each app's demo reads what earlier apps built from `context` and adds its own.
                module.seed(context=context, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
        self.stdout.write("演示账号（仅供本机演示）/ demo logins (local demo only):")
        for username, password, description in context.get("logins", []):
            self.stdout.write(f"  {username:<16} {password:<16} {description}")
