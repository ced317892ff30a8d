from django.core.management.base import BaseCommand

from core.roles import GROUP_NAMES, sync_roles


class Command(BaseCommand):
    help = "Create the role groups (活动办公室管理员, 领导, ...) and set their permissions. Idempotent."

    def handle(self, *args, **options):
        for role, count in sync_roles().items():
            self.stdout.write(f"{GROUP_NAMES[role]} ({role}): {count} permissions")
