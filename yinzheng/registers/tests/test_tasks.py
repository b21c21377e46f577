"""Checkpoint signatures as tasks (issue 15, registers.services.checkpoints): inline by default, and
with YINZHENG_TASKS=database signed by a `yinzheng db_worker` process — the same
checkpoint either way."""

import pytest

from yinzheng.core.tests.workers import run_db_worker
from yinzheng.ledger import services
from yinzheng.ledger.models import Checkpoint, Entry
from yinzheng.registers.services import books as registers
from yinzheng.registers.services import integrity, matters

from .test_books import add

A, B = "620725101001", "620725101201"  # two committees of township 620725101


@pytest.fixture(autouse=True)
def _no_matter_sources(monkeypatch):
    monkeypatch.setattr(matters, "_sources", {})


def made(committee: str) -> list[tuple[int, int, str, str]]:
    key = registers.chain_key("work", committee, 2026)
    return [
        (c.seq, c.from_seq, c.signer_id, c.head_hash)
        for c in Checkpoint.objects.filter(chain__key=key).order_by("seq")
    ]


def head_at(committee: str, seq: int) -> str:
    key = registers.chain_key("work", committee, 2026)
    return Entry.objects.get(chain__key=key, seq=seq).hash


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_checkpoint_signed_by_a_worker_process_is_the_one_signed_inline(
    tree, clock_at, monkeypatch, settings
):
    from django_tasks_db.models import DBTaskResult

    clock_at(2026, 3, 1, 10)
    monkeypatch.setattr(services, "CHECKPOINT_EVERY", 3)
    for n in (1, 2, 3):  # inline: signed as the third append commits
        add("work", n, committee=A)
    assert made(A) == [(3, 0, "620725101", head_at(A, 3))]

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for n in (4, 5, 6):  # queued: nothing signed until a worker runs
        add("work", n, committee=B)
    assert made(B) == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    worker = run_db_worker()
    assert worker.returncode == 0, worker.stderr
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert made(B) == [(3, 0, "620725101", head_at(B, 3))]
    # Both signed by the township in one sequence, and both verify.
    numbers = sorted(Checkpoint.objects.values_list("number", flat=True))
    assert numbers == [1, 2]
    assert integrity.verify_all().ok
