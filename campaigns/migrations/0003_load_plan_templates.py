from django.db import migrations


def load(apps, schema_editor):
    from campaigns.plan_templates import load_plan_templates

    load_plan_templates(
        apps.get_model("campaigns", "Campaign"),
        apps.get_model("campaigns", "Phase"),
        apps.get_model("campaigns", "Milestone"),
        apps.get_model("campaigns", "Requirement"),
    )


def unload(apps, schema_editor):
    from campaigns.plan_templates import TEMPLATES

    Campaign = apps.get_model("campaigns", "Campaign")
    templates = Campaign.objects.filter(template_key__in=[t["key"] for t in TEMPLATES], is_template=True)
    for template in templates:
        template.milestones.all().delete()
        template.phases.all().delete()
        template.requirements.all().delete()
    templates.delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_add_plan_phases_milestones_requirements")]
    operations = [migrations.RunPython(load, unload)]
