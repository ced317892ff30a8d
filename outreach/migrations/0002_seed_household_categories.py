from django.db import migrations

# The must-visit categories named by the plans: 五必访 (town plan, 2008) and 六必访 (滨妇发[2012]15号).
CATEGORIES = [
    ("tekun", "特困户", "five_must", 10),
    ("lao_dangyuan", "老党员", "five_must", 20),
    ("liushou_ertong", "留守儿童", "five_must", 30),
    ("kongchao_laoren", "空巢老人", "five_must", 40),
    ("zhongyang_dahu", "种养大户", "five_must", 50),
    ("shangfang", "上访户", "five_must", 60),
    ("wenti_jiating", "问题家庭", "six_must", 10),
    ("liushou_jiating", "留守家庭", "six_must", 20),
    ("maodun_jiufen", "矛盾纠纷", "six_must", 30),
    ("guchan_pinkun", "孤残贫困", "six_must", 40),
    ("xiagang_shiye", "下岗失业", "six_must", 50),
    ("zhongbing_wanggu", "重病亡故", "six_must", 60),
    ("kunnan_qunzhong", "困难群众", "other", 10),
]


def add_categories(apps, schema_editor):
    HouseholdCategory = apps.get_model("outreach", "HouseholdCategory")
    for code, name, group, order in CATEGORIES:
        HouseholdCategory.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "sort_order": order}
        )


def remove_categories(apps, schema_editor):
    HouseholdCategory = apps.get_model("outreach", "HouseholdCategory")
    HouseholdCategory.objects.filter(code__in=[c[0] for c in CATEGORIES], households__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [migrations.RunPython(add_categories, remove_categories)]
