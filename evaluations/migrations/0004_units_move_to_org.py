import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0003_move_attachments_to_random_names'),
        ('org', '0001_initial'),
    ]

    # State only: OrgUnit and Cadre moved to the org app with their tables, so the columns and keys stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='report',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='org.orgunit', verbose_name='报送单位'),
                ),
            ],
        ),
    ]
