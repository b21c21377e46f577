"""SQL of the append-only triggers, shared by the migration and the tamper tests."""

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
         RAISE EXCEPTION USING
           MESSAGE = 'ledger_entry is append-only: ' || TG_OP || ' refused',
           ERRCODE = 'integrity_constraint_violation';
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

# TRUNCATE bypasses row triggers; on PostgreSQL a statement trigger refuses it too.
POSTGRES_TRUNCATE_UP = [
    """CREATE OR REPLACE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()""",
    """CREATE OR REPLACE TRIGGER ledger_chain_no_truncate BEFORE TRUNCATE ON ledger_chain
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()""",
]
POSTGRES_TRUNCATE_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_truncate ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_chain_no_truncate ON ledger_chain",
]

# The records beside the chains — signed checkpoints, year-end archives, residents'
# confirmations — are append-only too (0005).
RECORD_TABLES = ["ledger_checkpoint", "ledger_archive", "ledger_confirmation"]


def run_by_vendor(statements_by_vendor: dict[str, list[str]]):
    """A RunPython function executing the vendor's statements (no vendor: an error)."""

    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"no append-only triggers for {schema_editor.connection.vendor}"
            )
        for sql in statements:
            schema_editor.execute(sql)

    return run


def append_only(tables: list[str]) -> dict[str, list[str]]:
    """The SQL that makes `tables` refuse UPDATE and DELETE (and, on PostgreSQL,
    TRUNCATE): by vendor and direction, for a migration and the test set-up. The
    PostgreSQL triggers call ledger_entry_refuse_change() (ledger 0002)."""
    ops = ("UPDATE", "DELETE")
    return {
        "sqlite_up": [
            f"""CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t}
       BEGIN SELECT RAISE(ABORT, '{t} is append-only: {op} refused'); END"""
            for t in tables
            for op in ops
        ],
        "sqlite_down": [
            f"DROP TRIGGER IF EXISTS {t}_no_{op.lower()}" for t in tables for op in ops
        ],
        "postgres_up": [
            f"""CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t}
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()"""
            for t in tables
            for op in ops
        ],
        "postgres_down": [
            f"DROP TRIGGER IF EXISTS {t}_no_{op.lower()} ON {t}"
            for t in tables
            for op in ops
        ],
        "postgres_truncate_up": [
            f"""CREATE OR REPLACE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()"""
            for t in tables
        ],
        "postgres_truncate_down": [
            f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}" for t in tables
        ],
    }


_records = append_only(RECORD_TABLES)
RECORDS_SQLITE_UP = _records["sqlite_up"]
RECORDS_SQLITE_DOWN = _records["sqlite_down"]
RECORDS_POSTGRES_UP = _records["postgres_up"]
RECORDS_POSTGRES_DOWN = _records["postgres_down"]
RECORDS_POSTGRES_TRUNCATE_UP = _records["postgres_truncate_up"]
RECORDS_POSTGRES_TRUNCATE_DOWN = _records["postgres_truncate_down"]

