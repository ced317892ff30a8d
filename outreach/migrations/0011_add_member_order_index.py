from django.db import migrations, models

from core.migration_operations import AddIndexConcurrently

# Built without locking out writes on PostgreSQL (CREATE INDEX CONCURRENTLY cannot run in a
# transaction, hence atomic = False); a plain CREATE INDEX elsewhere.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("outreach", "0010_units_and_cadres_move_to_org")]

    operations = [
        AddIndexConcurrently(
            model_name='householdmember',
            index=models.Index(fields=['household', 'id'], name='outreach_member_order'),
        ),
    ]
