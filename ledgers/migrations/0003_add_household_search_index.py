from django.db import migrations

# The fast visit-entry page searches outreach.Household as the user types (name, household
# number, address, phone tail) across up to a million rows. On PostgreSQL that needs pg_trgm
# GIN indexes for "contains"/"ends with" and pattern-ops btrees for "starts with"; SQLite (the
# zero-setup default, small registers) has neither and does without. The indexes live here,
# with the query they serve (ledgers/selectors.py household_search_for_user), not in the model
# state, so SQLite migrations stay valid. CREATE EXTENSION needs a superuser (or pg_trgm being
# trusted, PostgreSQL >= 13 lets a database owner create it).
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS outreach_household_name_trgm ON outreach_household USING gin (head_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS outreach_household_addr_trgm ON outreach_household USING gin (address gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS outreach_household_phone_trgm ON outreach_household USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS outreach_household_name_prefix ON outreach_household (head_name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS outreach_household_number_prefix ON outreach_household (number varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS outreach_household_name_trgm",
    "DROP INDEX IF EXISTS outreach_household_addr_trgm",
    "DROP INDEX IF EXISTS outreach_household_phone_trgm",
    "DROP INDEX IF EXISTS outreach_household_name_prefix",
    "DROP INDEX IF EXISTS outreach_household_number_prefix",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0002_seed_demand_categories"), ("outreach", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
