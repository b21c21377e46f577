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
RECORDS_SQLITE_UP = [
    f"""CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t}
       BEGIN SELECT RAISE(ABORT, '{t} is append-only: {op} refused'); END"""
    for t in RECORD_TABLES
    for op in ("UPDATE", "DELETE")
]
RECORDS_SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {t}_no_{op}"
    for t in RECORD_TABLES
    for op in ("update", "delete")
]
RECORDS_POSTGRES_UP = [
    f"""CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t}
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()"""
    for t in RECORD_TABLES
    for op in ("UPDATE", "DELETE")
]
RECORDS_POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS {t}_no_{op} ON {t}"
    for t in RECORD_TABLES
    for op in ("update", "delete")
]
RECORDS_POSTGRES_TRUNCATE_UP = [
    f"""CREATE OR REPLACE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()"""
    for t in RECORD_TABLES
]
RECORDS_POSTGRES_TRUNCATE_DOWN = [
    f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}" for t in RECORD_TABLES
]
