from django.db import migrations

# Row triggers (0002) do not fire on TRUNCATE, which empties the table in one statement: a
# statement-level trigger refuses it too, so the app's role cannot wipe the trail either.
# SQLite has no TRUNCATE (its DELETE without WHERE is refused by the model).
CREATE = """
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_rows_outlive_accounts_and_units")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
