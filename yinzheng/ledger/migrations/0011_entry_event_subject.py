"""The index on ledger entries' event becomes one on (event, subject) (issue 15).

The old index is dropped by name rather than by altering the field: on SQLite, Django
alters a field by copying the table, which would drop its append-only triggers and copy
every entry. The name is the one Django gave it on both databases; PostgreSQL also had
its LIKE twin (varchar_pattern_ops), which no query used."""

from django.db import migrations, models

OLD = "ledger_entry_event_5b2be5d7"


def drop_old(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD}"')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD}_like"')


def restore_old(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX "{OLD}" ON "ledger_entry" ("event")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{OLD}_like" ON "ledger_entry" ("event" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_chain_kind_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="event",
                    field=models.CharField(max_length=80, verbose_name="事件"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_old, restore_old)],
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["event", "subject"], name="entry_event_subject"),
        ),
    ]
