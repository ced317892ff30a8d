import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables were created by campaigns' migrations; this app takes them over as they are.
        ("campaigns", "0006_move_evidence_to_random_names"),
    ]

    # State only: the tables campaigns_orgunit and campaigns_cadre already exist and keep their names.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OrgUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('path', models.CharField(max_length=255, unique=True)),
                        ('depth', models.PositiveIntegerField()),
                        ('numchild', models.PositiveIntegerField(default=0)),
                        ('kind', models.CharField(choices=[('province', '省'), ('city', '市'), ('county', '县/区'), ('township', '乡镇/街道'), ('village', '村/社区'), ('office', '机关/部门')], max_length=16, verbose_name='层级')),
                        ('code', models.CharField(max_length=32, unique=True, verbose_name='单位代码')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('sort_order', models.PositiveIntegerField(default=0, verbose_name='排序')),
                    ],
                    options={
                        'verbose_name': '单位',
                        'verbose_name_plural': '单位',
                        'db_table': 'campaigns_orgunit',
                        'indexes': [models.Index(fields=['path'], name='campaigns_orgunit_path_like', opclasses=['varchar_pattern_ops'])],
                        'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['province', 'city', 'county', 'township', 'village', 'office'])), name='campaigns_orgunit_valid_kind')],
                    },
                ),
                migrations.CreateModel(
                    name='Cadre',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('name', models.CharField(max_length=50, verbose_name='姓名')),
                        ('title', models.CharField(blank=True, max_length=100, verbose_name='职务')),
                        ('rank', models.CharField(choices=[('ministerial', '省部级'), ('bureau', '厅局级'), ('division', '正处级'), ('deputy_division', '副处级'), ('section', '正科级'), ('deputy_section', '副科级'), ('staff', '科员'), ('clerk', '办事员'), ('none', '无职级')], default='staff', max_length=20, verbose_name='职级')),
                        ('is_senior', models.GeneratedField(db_persist=True, expression=models.Case(models.When(rank__in=('ministerial', 'bureau', 'division', 'deputy_division'), then=models.Value(True)), default=models.Value(False)), output_field=models.BooleanField(verbose_name='副处级以上'))),
                        ('is_leader', models.BooleanField(default=False, verbose_name='领导干部')),
                        ('is_party_member', models.BooleanField(default=True, verbose_name='党员')),
                        ('phone', models.CharField(blank=True, max_length=20, verbose_name='手机号')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='cadre', to=settings.AUTH_USER_MODEL, verbose_name='账号')),
                        ('org_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cadres', to='org.orgunit', verbose_name='所在单位')),
                    ],
                    options={
                        'verbose_name': '干部',
                        'verbose_name_plural': '干部',
                        'db_table': 'campaigns_cadre',
                        'ordering': ['org_unit__path', 'name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('rank__in', ['ministerial', 'bureau', 'division', 'deputy_division', 'section', 'deputy_section', 'staff', 'clerk', 'none'])), name='campaigns_cadre_valid_rank')],
                    },
                ),
            ],
        ),
    ]
