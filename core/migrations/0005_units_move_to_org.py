import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_auditevent_no_truncate_trigger'),
        ('org', '0001_initial'),
    ]

    # State only: OrgUnit and Cadre moved to the org app with their tables, so the columns and keys stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditevent',
                    name='unit',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='audit_events', to='org.orgunit', verbose_name='所属单位'),
                ),
            ],
        ),
    ]
