from django.db import migrations

MODELS = ["orgunit", "cadre"]


def _move(apps, source: str, target: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a new database: post_migrate creates the content types under the new label
        # A content type created under the new label before this ran holds no grants; the old
        # one carries the permissions, the role groups' grants and the audit trail's references.
        stale = ContentType.objects.filter(app_label=target, model=model).first()
        if stale is not None:
            apps.get_model("auth", "Permission").objects.filter(content_type=stale).delete()
            stale.delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move(apps, "campaigns", "org")


def backwards(apps, schema_editor):
    _move(apps, "org", "campaigns")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("campaigns", "0007_units_and_cadres_move_to_org"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Permission codenames follow the content type: campaigns.view_orgunit becomes org.view_orgunit
    # for every group and account that held it.
    operations = [migrations.RunPython(forwards, backwards)]
