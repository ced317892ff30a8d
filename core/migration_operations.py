"""Migration operations shared by the apps.

``AddIndexConcurrently`` builds an index on a big table without locking out writes: on
PostgreSQL with ``CREATE INDEX CONCURRENTLY`` (django.contrib.postgres's operation, whose
migration must be ``atomic = False``), elsewhere (SQLite, the zero-setup default) with a plain
``CREATE INDEX``, which django.contrib.postgres's operation refuses. The model state is the same
as ``AddIndex``, so ``makemigrations`` sees nothing to do.
"""

from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(PostgresAddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
