"""Checkpoint signatures as tasks (issue 15, registers.services.checkpoints): inline by default, and
with YINZHENG_TASKS=database signed by a `yinzheng db_worker` process — the same
checkpoint either way."""

import hashlib
import io

import pytest
from django.core.management import call_command

from yinzheng.accounts import services as accounts
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import RoleGrant
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.workers import run_db_worker, run_worker
from yinzheng.divisions.models import Division
from yinzheng.ledger import services
from yinzheng.ledger.models import Archive, Checkpoint, Entry
from yinzheng.registers.services import archives, integrity, matters
from yinzheng.registers.services import books as registers

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


# The year-end archive as a task (registers.services.archives.build_archive) ----------

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def a_book_of_2025(clock_at, committee: str = A) -> None:
    clock_at(2025, 6, 1, 9)
    for n in (1, 2, 3):
        add("work", n, committee=committee)


def cells(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.django_db
def test_inline_the_archive_is_made_at_once_as_before(tree, clock_at):
    a_book_of_2025(clock_at)
    clock_at(2026, 1, 4, 9)
    asked = archives.register_archive_request(
        actor=SYSTEM, committee_code=A, register="work", year=2025
    )
    assert asked.task_id is None
    assert asked.archive is not None and asked.archive.entries == 3
    assert archives.archive_task(A, "work", 2025) is None


@pytest.mark.django_db
def test_queued_the_rules_are_checked_at_once_and_nothing_is_queued(
    tree, clock_at, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUED
    clock_at(2026, 3, 1, 10)
    add("work", 1, committee=A)
    with pytest.raises(InvalidInput) as exc:
        archives.register_archive_request(
            actor=SYSTEM, committee_code=A, register="work", year=2026
        )
    assert exc.value.code == "year_not_over"
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_queued_asking_twice_queues_one_archive_task(tree, clock_at, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUED
    a_book_of_2025(clock_at)
    clock_at(2026, 1, 4, 9)
    first, second = (
        archives.register_archive_request(
            actor=SYSTEM, committee_code=A, register="work", year=2025
        )
        for _ in range(2)
    )
    assert first.archive is None and first.task_id
    assert second.task_id == first.task_id
    assert DBTaskResult.objects.count() == 1
    shown = archives.archive_task(A, "work", 2025)
    assert shown is not None and shown.waiting and not shown.error
    assert not Archive.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_archive_built_by_a_worker_process_is_the_one_built_inline(
    tree, clock_at, monkeypatch, settings
):
    from django_tasks_db.models import DBTaskResult

    a_book_of_2025(clock_at)
    monkeypatch.undo()  # the worker reads the real clock, after 2025: so does this
    settings.TASKS = QUEUED
    for _ in range(2):  # twice: one task
        call_command(
            "ledger", "archive", "--year", "2025", "--committee", A,
            "--register", "work", "--enqueue",
        )  # fmt: skip
    assert DBTaskResult.objects.count() == 1
    assert not Archive.objects.exists()

    worker = run_worker()

    assert worker.returncode == 0, worker.stderr
    (row,) = DBTaskResult.objects.all()
    assert row.status == "SUCCESSFUL", row.traceback
    archive = Archive.objects.select_related("chain", "checkpoint").get()
    assert row.return_value == {
        "archive": archive.pk,
        "chain": registers.chain_key("work", A, 2025),
        "entries": 3,
        "pdf_sha256": archive.checkpoint.pdf_sha256,
        "xlsx_sha256": archive.checkpoint.xlsx_sha256,
    }
    # What this process renders from the same chain: the same PDF, byte for byte
    # (ReportLab's invariant mode), and the same sheet (an xlsx also carries the
    # time it was written, so its cells are compared).
    committee = Division.objects.get(code=A)
    pdf = archives.render_pdf(
        archive.chain, committee, "work", 2025, made_at=archive.closed_at
    )
    xlsx = archives.render_xlsx(archive.chain, committee, "work", 2025)
    assert hashlib.sha256(pdf).hexdigest() == archive.checkpoint.pdf_sha256
    assert archive.pdf.read() == pdf
    assert cells(archive.xlsx.read()) == cells(xlsx)
    assert archives.verify_archive(archive.chain) == []
    # Asked again now: refused at once, as inline.
    with pytest.raises(Conflict):
        archives.register_archive_request(
            actor=SYSTEM, committee_code=A, register="work", year=2025
        )


@pytest.mark.django_db(transaction=True)
def test_an_archive_task_that_fails_is_kept_with_its_error_and_shown(
    tree, clock_at, monkeypatch, settings, client, capsys
):
    from django_tasks_db.models import DBTaskResult

    a_book_of_2025(clock_at)
    monkeypatch.undo()
    settings.TASKS = QUEUED
    asker = people.user("xiangzhen", role=Role.TOWNSHIP, at="620725101")
    colleague = people.user("xiangzhen2", role=Role.TOWNSHIP, at="620725101")
    asked = archives.register_archive_request(
        actor=asker, committee_code=A, register="work", year=2025
    )
    # Before a worker takes it, the one who asked loses the role.
    (grant,) = RoleGrant.objects.filter(user=asker)
    accounts.grant_revoke(actor=SYSTEM, grant_id=grant.pk)

    worker = run_worker()

    assert worker.returncode == 0, worker.stderr
    row = DBTaskResult.objects.get(pk=asked.task_id)
    assert row.status == "FAILED"
    assert row.exception_class_path == "yinzheng.core.errors.NotAllowed"
    assert not Archive.objects.exists()
    shown = archives.archive_task(A, "work", 2025)
    assert shown is not None and not shown.waiting
    assert shown.error == "您无权执行此操作"
    client.force_login(colleague)
    page = client.get(f"/ledger/registers/{A}/work/2025/").content.decode()
    assert 'id="archive-failed"' in page and "您无权执行此操作" in page
    assert 'id="archive"' in page  # and may be asked again
    with pytest.raises(SystemExit) as exit_code:
        call_command("task_result", asked.task_id)
    assert exit_code.value.code == 1
    assert "错误：yinzheng.core.errors.NotAllowed: 您无权执行此操作" in (
        capsys.readouterr().out
    )


@pytest.mark.django_db
def test_queued_the_api_answers_202_with_one_task_and_the_page_says_so(
    tree, clock_at, settings, client
):
    from rest_framework.test import APIClient

    settings.TASKS = QUEUED
    a_book_of_2025(clock_at)
    clock_at(2026, 1, 4, 9)
    township = people.user("xiangzhen", role=Role.TOWNSHIP, at="620725101")
    api = APIClient()
    api.force_authenticate(township)
    url = f"/api/registers/{A}/work/2025/archive/"

    first, second = (api.post(url, {}, format="json") for _ in range(2))
    shown = api.get(url)

    assert first.status_code == second.status_code == shown.status_code == 202
    assert first.json()["task"] == second.json()["task"] == shown.json()["task"]
    assert shown.json() == {
        "task": first.json()["task"],
        "status": "waiting",
        "error": "",
    }
    client.force_login(township)
    page = client.get(f"/ledger/registers/{A}/work/2025/").content.decode()
    assert 'id="archive-waiting"' in page
    assert 'id="archive"' not in page  # no second request while it is built
