from django.db import migrations, models

from core.migration_operations import AddIndexConcurrently

# Built without locking out writes on PostgreSQL (CREATE INDEX CONCURRENTLY cannot run in a
# transaction, hence atomic = False); a plain CREATE INDEX elsewhere.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ledgers", "0013_pledges_move_to_their_app")]

    operations = [
        AddIndexConcurrently(
            model_name='demand',
            index=models.Index(fields=['-received_on', '-id'], name='ledgers_demand_newest'),
        ),
        AddIndexConcurrently(
            model_name='visit',
            index=models.Index(fields=['-visited_on', '-id'], name='ledgers_visit_newest'),
        ),
    ]
