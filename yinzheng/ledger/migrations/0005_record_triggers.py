"""Checkpoints, archives and confirmations refuse UPDATE, DELETE (and TRUNCATE)."""

from django.db import migrations

from ._triggers import (
    RECORDS_POSTGRES_DOWN,
    RECORDS_POSTGRES_TRUNCATE_DOWN,
    RECORDS_POSTGRES_TRUNCATE_UP,
    RECORDS_POSTGRES_UP,
    RECORDS_SQLITE_DOWN,
    RECORDS_SQLITE_UP,
)


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
    dependencies = [("ledger", "0004_registers")]

    operations = [
        migrations.RunPython(
            _run(
                {
                    "sqlite": RECORDS_SQLITE_UP,
                    "postgresql": RECORDS_POSTGRES_UP + RECORDS_POSTGRES_TRUNCATE_UP,
                }
            ),
            _run(
                {
                    "sqlite": RECORDS_SQLITE_DOWN,
                    "postgresql": RECORDS_POSTGRES_TRUNCATE_DOWN
                    + RECORDS_POSTGRES_DOWN,
                }
            ),
        )
    ]
