from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.models import Campaign, Milestone, Phase, Requirement
from campaigns.plan_templates import load_plan_templates


class Command(BaseCommand):
    help = "载入五个种子实施方案模板（已有的保留；--reset 按原文重建）。"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="按原文重建已有模板（会丢弃对模板的修改）")

    def handle(self, *args, reset=False, **options):
        with transaction.atomic():
            created = load_plan_templates(Campaign, Phase, Milestone, Requirement, reset=reset)
        total = Campaign.objects.templates().count()
        self.stdout.write(f"方案模板 {total} 个（本次载入 {len(created)} 个）")
