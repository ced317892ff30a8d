import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
        ('reminders', '0003_quota_period_rules'),
    ]

    # State only: OrgUnit and Cadre moved to the org app with their tables, so the columns and keys stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='reminder',
                    name='unit',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='org.orgunit', verbose_name='责任单位'),
                ),
            ],
        ),
    ]
