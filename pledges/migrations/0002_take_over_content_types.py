from django.db import migrations

MODELS = ["pledgecategory", "pledge", "pledgeamendment", "pledgeprogress"]


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
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, "ledgers", "pledges")


def backwards(apps, schema_editor):
    _move(apps, "pledges", "ledgers")


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Permission codenames follow the content type: ledgers.approve_pledge becomes
    # pledges.approve_pledge for every group and account that held it.
    operations = [migrations.RunPython(forwards, backwards)]
