import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledgers', '0011_move_photos_to_random_names'),
        ('org', '0001_initial'),
    ]

    # State only: OrgUnit and Cadre moved to the org app with their tables, so the columns and keys stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='demand',
                    name='coordinator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='demands_coordinated', to='org.cadre', verbose_name='协调人'),
                ),
                migrations.AlterField(
                    model_name='demand',
                    name='escalated_to',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='demands_escalated', to='org.orgunit', verbose_name='督办单位'),
                ),
                migrations.AlterField(
                    model_name='demand',
                    name='received_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='demands_received', to='org.cadre', verbose_name='受理人'),
                ),
                migrations.AlterField(
                    model_name='demand',
                    name='responsible_person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='demands_owned', to='org.cadre', verbose_name='责任人（办结人）'),
                ),
                migrations.AlterField(
                    model_name='demand',
                    name='responsible_unit',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='demands_owned', to='org.orgunit', verbose_name='责任单位'),
                ),
                migrations.AlterField(
                    model_name='demand',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='demands', to='org.orgunit', verbose_name='所属单位'),
                ),
                migrations.AlterField(
                    model_name='pledge',
                    name='org_unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='org.orgunit', verbose_name='承诺单位'),
                ),
                migrations.AlterField(
                    model_name='pledge',
                    name='responsible_person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='org.cadre', verbose_name='责任人'),
                ),
                migrations.AlterField(
                    model_name='pledge',
                    name='responsible_unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responsible_pledges', to='org.orgunit', verbose_name='责任单位'),
                ),
                migrations.AlterField(
                    model_name='visit',
                    name='cadre',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='org.cadre', verbose_name='走访干部'),
                ),
            ],
        ),
    ]
