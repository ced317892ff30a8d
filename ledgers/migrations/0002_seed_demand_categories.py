from django.db import migrations

# The categories the civil-affairs plan (003) names for 矛盾纠纷排查, plus those of the
# women's-federation plans (妇女儿童权益) and of hardship visits (生活困难), and a catch-all.
CATEGORIES = [
    ("land", "土地征用", 10),
    ("demolition", "房屋拆迁", 20),
    ("restructuring", "企业改制", 30),
    ("employment", "劳动就业", 40),
    ("social_security", "社会保障", 50),
    ("litigation", "涉法涉诉", 60),
    ("work_safety", "安全生产", 70),
    ("women_children", "妇女儿童权益", 80),
    ("hardship", "生活困难", 90),
    ("other", "其他", 999),
]


def add_categories(apps, schema_editor):
    DemandCategory = apps.get_model("ledgers", "DemandCategory")
    for code, name, order in CATEGORIES:
        DemandCategory.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def remove_categories(apps, schema_editor):
    DemandCategory = apps.get_model("ledgers", "DemandCategory")
    DemandCategory.objects.filter(code__in=[c[0] for c in CATEGORIES], demands__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_initial")]
    operations = [migrations.RunPython(add_categories, remove_categories)]
