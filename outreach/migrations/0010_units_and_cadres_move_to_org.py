import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
        ('outreach', '0009_household_members_count_range'),
    ]

    # State only: OrgUnit and Cadre moved to the org app with their tables, so the columns and keys stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='forum',
                    name='leading_cadres',
                    field=models.ManyToManyField(blank=True, related_name='led_forums', to='org.cadre', verbose_name='带队领导'),
                ),
                migrations.AlterField(
                    model_name='forum',
                    name='village',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='forums', to='org.orgunit', verbose_name='村/社区'),
                ),
                migrations.AlterField(
                    model_name='household',
                    name='village',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='households', to='org.orgunit', verbose_name='村/社区'),
                ),
                migrations.AlterField(
                    model_name='importjob',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_jobs', to='org.orgunit', verbose_name='导入人单位'),
                ),
                migrations.AlterField(
                    model_name='liaisonpoint',
                    name='leader',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='liaison_points', to='org.cadre', verbose_name='联系领导'),
                ),
                migrations.AlterField(
                    model_name='liaisonpoint',
                    name='unit',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='liaison_points_owned', to='org.orgunit', verbose_name='联系单位'),
                ),
                migrations.AlterField(
                    model_name='liaisonpoint',
                    name='village',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='liaison_points', to='org.orgunit', verbose_name='联系村/社区'),
                ),
                migrations.AlterField(
                    model_name='pairing',
                    name='cadre',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pairings', to='org.cadre', verbose_name='干部'),
                ),
                migrations.AlterField(
                    model_name='receptionday',
                    name='leader',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reception_days', to='org.cadre', verbose_name='接待领导'),
                ),
            ],
        ),
    ]
