"""Archive-timestamp renewal as tasks (issue 15, esign.tasks): `yinzheng esign
timestamp-renew --enqueue` queues the certificates in batches; inline they run at once,
and a batch renewed by a worker process gives what the inline renewal gives. A file
that fails is named in the result, and the others are renewed."""

import io

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from yinzheng.core.tests.workers import run_db_worker
from yinzheng.esign.models import SignedDocument
from yinzheng.esign.tasks import renew_timestamps
from yinzheng.ledger.models import Entry

from . import factories as f

HORIZON = "2099-01-01T00:00:00+08:00"  # beyond any authority's certificate


def _b_b(eseal, people, n):
    """`n` certificates sealed B-B (no timestamp): each is due for renewal."""
    return [
        f.issued(eseal, clerk=people.clerk, custodian=people.custodian)[0]
        for _ in range(n)
    ]


def _timestamps(doc: SignedDocument) -> int:
    doc.refresh_from_db()
    reader = PdfFileReader(io.BytesIO(f.signed_bytes(doc)))
    return len(reader.embedded_timestamp_signatures)


@pytest.mark.django_db
def test_inline_the_enqueued_renewal_runs_at_once_in_batches(eseal, people, capsys):
    docs = _b_b(eseal, people, 3)
    call_command(
        "esign",
        "timestamp-renew",
        "--enqueue",
        "--batch",
        "2",
        "--before-days",
        str(365 * 80),
    )
    assert "已排队 2 个任务，共 3 份证明" in capsys.readouterr().out
    assert [_timestamps(doc) for doc in docs] == [1, 1, 1]


@pytest.mark.django_db
def test_a_batch_names_the_file_that_failed_and_renews_the_others(eseal, people):
    good, bad = _b_b(eseal, people, 2)
    bad.signed_pdf.storage.delete(bad.signed_pdf.name)  # the file is gone
    done = renew_timestamps.call([bad.serial, good.serial], HORIZON)
    assert done["renewed"] == [good.serial]
    assert list(done["failed"]) == [bad.serial]
    assert "FileNotFoundError" in done["failed"][bad.serial]
    assert _timestamps(good) == 1


@pytest.mark.django_db
def test_the_batch_size_must_be_positive(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch"):
        call_command("esign", "timestamp-renew", "--enqueue", "--batch", "0")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_renewed_by_a_worker_process_matches_the_inline_renewal(
    eseal, people, settings
):
    from django_tasks_db.models import DBTaskResult

    inline_doc, worker_doc = _b_b(eseal, people, 2)
    inline = renew_timestamps.call([inline_doc.serial], HORIZON)
    assert inline == {
        "renewed": [inline_doc.serial],
        "current": 0,
        "not_renewable": [],
        "failed": {},
    }

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    renew_timestamps.enqueue([worker_doc.serial], HORIZON)
    assert _timestamps(worker_doc) == 0  # queued, not run
    worker = run_db_worker()
    assert worker.returncode == 0, worker.stderr
    (result,) = DBTaskResult.objects.all()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {**inline, "renewed": [worker_doc.serial]}
    assert _timestamps(worker_doc) == _timestamps(inline_doc) == 1
    for doc in (inline_doc, worker_doc):
        doc.refresh_from_db()
        assert doc.level == "B-LTA"
    journaled = Entry.objects.filter(event="esign.document_timestamp_renewed")
    assert journaled.count() == 2
