"""Files stored under guessable names before stored files became private (the uploader's file
name, a visit or pledge id, a fixed monthly folder) move to random names; the old files go once
this commits."""

from django.db import migrations

from core.files import give_random_names


def forwards(apps, schema_editor):
    give_random_names(apps.get_model("campaigns", "MilestoneAssignment"), "evidence")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0005_private_random_evidence_names")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
