"""The pledge categories the plans name (data, editable by the office afterwards).

历下妇发[2011]9号: 结对帮扶服务, 协调联动服务, 为民代理服务; 济南市档案局 2011: 建档立档服务,
档案利用服务; plus 其他.
"""

from django.db import migrations

CATEGORIES = [
    ("pairing_support", "结对帮扶服务", 10),
    ("coordination", "协调联动服务", 20),
    ("proxy_service", "为民代理服务", 30),
    ("archive_building", "建档立档服务", 40),
    ("archive_use", "档案利用服务", 50),
    ("other", "其他", 90),
]


def add_categories(apps, schema_editor):
    PledgeCategory = apps.get_model("ledgers", "PledgeCategory")
    for code, name, order in CATEGORIES:
        PledgeCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove_categories(apps, schema_editor):
    PledgeCategory = apps.get_model("ledgers", "PledgeCategory")
    PledgeCategory.objects.filter(code__in=[code for code, _name, _order in CATEGORIES], pledges__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0004_add_pledges")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
