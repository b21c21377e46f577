"""PostgreSQL: refuse TRUNCATE of the journal (row triggers do not see it)."""

from django.db import migrations

from ._triggers import POSTGRES_TRUNCATE_DOWN, POSTGRES_TRUNCATE_UP


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(_run(POSTGRES_TRUNCATE_UP), _run(POSTGRES_TRUNCATE_DOWN))
    ]
