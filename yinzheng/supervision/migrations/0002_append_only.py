"""Rectification events and draws refuse UPDATE, DELETE (and TRUNCATE)."""

from django.db import migrations

from yinzheng.ledger.migrations._triggers import run_by_vendor as _run

from ._triggers import APPEND_ONLY


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
