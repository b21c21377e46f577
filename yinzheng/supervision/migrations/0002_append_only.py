"""Rectification events and draws refuse UPDATE, DELETE (and TRUNCATE)."""

from django.db import migrations

from ._triggers import APPEND_ONLY


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
    dependencies = [
        ("supervision", "0001_initial"),
        ("ledger", "0002_append_only_triggers"),  # its refuse function on PostgreSQL
    ]

    operations = [
        migrations.RunPython(
            _run(
                {
                    "sqlite": APPEND_ONLY["sqlite_up"],
                    "postgresql": APPEND_ONLY["postgres_up"]
                    + APPEND_ONLY["postgres_truncate_up"],
                }
            ),
            _run(
                {
                    "sqlite": APPEND_ONLY["sqlite_down"],
                    "postgresql": APPEND_ONLY["postgres_truncate_down"]
                    + APPEND_ONLY["postgres_down"],
                }
            ),
        )
    ]
