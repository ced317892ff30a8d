import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_move_evidence_to_random_names"),
        ("org", "0001_initial"),
        # Every foreign key to the two models is pointed at org first.
        ("core", "0005_units_move_to_org"),
        ("evaluations", "0004_units_move_to_org"),
        ("ledgers", "0012_units_and_cadres_move_to_org"),
        ("outreach", "0010_units_and_cadres_move_to_org"),
        ("reminders", "0004_units_move_to_org"),
    ]

    # State only: OrgUnit and Cadre now belong to the org app, which keeps their tables.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="issuing_unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="issued_campaigns",
                        to="org.orgunit",
                        verbose_name="发文单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="milestone",
                    name="responsible_unit",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="留空表示每个参与单位都要完成",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responsible_milestones",
                        to="org.orgunit",
                        verbose_name="责任单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="milestoneassignment",
                    name="unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="milestone_assignments",
                        to="org.orgunit",
                        verbose_name="责任单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="campaign",
                    name="participating_units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="participating_campaigns",
                        to="org.orgunit",
                        verbose_name="指定参与单位",
                    ),
                ),
                migrations.DeleteModel(name="Cadre"),
                migrations.DeleteModel(name="OrgUnit"),
            ],
        ),
    ]
