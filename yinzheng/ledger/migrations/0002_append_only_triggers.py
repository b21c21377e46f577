"""Database triggers that refuse UPDATE and DELETE on journal entries (design.md §4)."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
       BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
       BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: DELETE refused'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update",
    "DROP TRIGGER IF EXISTS ledger_entry_no_delete",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION ledger_entry_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP
           USING ERRCODE = 'integrity_constraint_violation';
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()""",
    """CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_entry_no_delete ON ledger_entry",
    "DROP FUNCTION IF EXISTS ledger_entry_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"no append-only triggers for {schema_editor.connection.vendor}"
            )
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
