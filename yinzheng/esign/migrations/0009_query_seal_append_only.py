"""Issue 15: queries journaled before batches have their own audit entry
(esign.verification_query); each gets its QuerySeal naming that entry, so the sealer
leaves it alone. Then the queries and the seals refuse UPDATE, DELETE (and TRUNCATE)."""

from django.db import migrations

from yinzheng.ledger.migrations._triggers import run_by_vendor as _run

from ._triggers import APPEND_ONLY


def seal_journaled(apps, schema_editor):
    Entry = apps.get_model("ledger", "Entry")
    QuerySeal = apps.get_model("esign", "QuerySeal")
    queries = set(
        apps.get_model("esign", "VerificationQuery").objects.values_list("id", flat=True)
    )
    prefix = "esign.verificationquery:"
    found = Entry.objects.filter(
        event="esign.verification_query", subject__startswith=prefix
    ).values_list("id", "subject")
    seals, seen = [], set()
    for entry_id, subject in found.iterator(chunk_size=5000):
        query_id = int(subject[len(prefix) :])
        if query_id in queries and query_id not in seen:
            seen.add(query_id)
            seals.append(QuerySeal(query_id=query_id, entry_id=entry_id))
    QuerySeal.objects.bulk_create(seals, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("esign", "0008_query_seal"),
        ("ledger", "0002_append_only_triggers"),  # its refuse function on PostgreSQL
    ]

    operations = [
        migrations.RunPython(seal_journaled, migrations.RunPython.noop),
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
        ),
    ]
