from django.core.management.base import BaseCommand

from ledgers.demand_flow import demand_escalate_overdue


class Command(BaseCommand):
    help = "逾期督办：把超过办结时限的诉求报送上一级单位（可重复运行）。"

    def handle(self, *args, **options):
        count = demand_escalate_overdue()
        self.stdout.write(f"逾期诉求报送督办 {count} 件")
