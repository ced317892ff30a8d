from django.db import migrations, models

from core.migration_operations import AddIndexConcurrently

# Built without locking out writes on PostgreSQL (CREATE INDEX CONCURRENTLY cannot run in a
# transaction, hence atomic = False); a plain CREATE INDEX elsewhere.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("reminders", "0004_units_move_to_org")]

    operations = [
        AddIndexConcurrently(
            model_name='delivery',
            index=models.Index(fields=['-created_at', '-id'], name='reminders_delivery_newest'),
        ),
        AddIndexConcurrently(
            model_name='reminder',
            index=models.Index(fields=['-send_at'], name='reminders_reminder_newest'),
        ),
    ]
