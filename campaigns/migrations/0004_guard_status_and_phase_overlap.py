"""The database itself guards two plan invariants that the services and forms already check.

1. A campaign's status only moves forward (draft → active → closed): a trigger refuses any
   UPDATE that moves it back, on SQLite and PostgreSQL. Unknown values are left to the
   ``campaigns_campaign_valid_status`` check constraint. (Skipping draft → closed is refused by
   ``services.campaign_set_status`` only; the database forbids going backwards.)
2. On PostgreSQL, phases of one campaign never overlap (date ranges inclusive at both ends, as
   in ``validation.validate_phase_ranges``). The exclusion constraint compares the campaign id
   as a one-value range, so it needs only the built-in GiST range operator classes, not the
   btree_gist extension (which a production role may not be allowed to create). It is
   DEFERRABLE INITIALLY DEFERRED: shifting a plan (``campaign_shift_dates``) or re-dating
   phases in the admin inline moves every phase in one transaction, and rows may overlap with
   not-yet-moved siblings in between; only the committed result must be free of overlaps.

Both raise integrity errors (SQLSTATE 23xxx on PostgreSQL, SQLITE_CONSTRAINT on SQLite).
"""

from django.db import migrations

# Rank of each status; the trigger fires when the new rank is below the old one. Unknown
# values give NULL ranks, so the comparison is not true and the check constraint answers.
_RANK = "CASE {col} WHEN 'draft' THEN 0 WHEN 'active' THEN 1 WHEN 'closed' THEN 2 END"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER campaigns_campaign_status_forward_only
    BEFORE UPDATE OF status ON campaigns_campaign
    FOR EACH ROW
    WHEN ({_RANK.format(col="NEW.status")}) < ({_RANK.format(col="OLD.status")})
    BEGIN
        SELECT RAISE(ABORT, 'campaigns_campaign_status_forward_only: status cannot move backwards');
    END;
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS campaigns_campaign_status_forward_only;"]

PG_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION campaigns_campaign_status_forward_only() RETURNS trigger AS $$
    BEGIN
        IF ({_RANK.format(col="NEW.status")}) < ({_RANK.format(col="OLD.status")}) THEN
            RAISE EXCEPTION 'campaign % status cannot move back from % to %', OLD.id, OLD.status, NEW.status
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'campaigns_campaign_status_forward_only';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER campaigns_campaign_status_forward_only
        BEFORE UPDATE OF status ON campaigns_campaign
        FOR EACH ROW EXECUTE FUNCTION campaigns_campaign_status_forward_only();
    """,
    """
    ALTER TABLE campaigns_phase ADD CONSTRAINT campaigns_phase_no_overlap
        EXCLUDE USING gist (
            int8range(campaign_id, campaign_id, '[]') WITH &&,
            daterange(start_date, end_date, '[]') WITH &&
        )
        DEFERRABLE INITIALLY DEFERRED;
    """,
]
PG_DROP = [
    "ALTER TABLE campaigns_phase DROP CONSTRAINT IF EXISTS campaigns_phase_no_overlap;",
    "DROP TRIGGER IF EXISTS campaigns_campaign_status_forward_only ON campaigns_campaign;",
    "DROP FUNCTION IF EXISTS campaigns_campaign_status_forward_only();",
]

_BY_VENDOR = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (PG_CREATE, PG_DROP),
}


def create_guards(apps, schema_editor):
    statements = _BY_VENDOR.get(schema_editor.connection.vendor, ([], []))[0]
    for sql in statements:
        schema_editor.execute(sql, params=None)


def drop_guards(apps, schema_editor):
    statements = _BY_VENDOR.get(schema_editor.connection.vendor, ([], []))[1]
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_load_plan_templates")]
    operations = [migrations.RunPython(create_guards, drop_guards)]
