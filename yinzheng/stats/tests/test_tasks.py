"""The statistics table's file as a task (issue 15, stats.tasks): `yinzheng stats
export-table --enqueue` checks the input at once and queues one task; a worker process
stores the file the inline command writes (the same bytes: the PDF is invariant), and
`yinzheng task-result` fetches it or says why it failed."""

import hashlib
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yinzheng.core import tasks
from yinzheng.core.tests.workers import run_worker

from . import test_command
from .test_command import COUNTY, T1

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Township 1's submitted return, the police's, township 2's draft (a fixture).
filled = test_command.filled


def export(*args: str) -> None:
    call_command("stats", "export-table", "--county", COUNTY, *args)


@pytest.mark.django_db
def test_inline_the_enqueued_export_writes_at_once(filled, tmp_path):
    out = tmp_path / "t1.pdf"
    export("--unit", T1, "--format", "pdf", "--output", str(out), "--enqueue")
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_queued_bad_input_is_refused_at_once_and_twice_is_one_task(
    filled, settings, capsys
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUED
    with pytest.raises(CommandError, match="未知的填报单位"):
        export("--unit", "620725199", "--format", "pdf", "--enqueue")
    with pytest.raises(CommandError, match="不支持的格式"):
        export("--format", "docx", "--enqueue")
    assert not DBTaskResult.objects.exists()
    export("--unit", T1, "--format", "pdf", "--enqueue")
    export("--unit", T1, "--format", "PDF", "--enqueue")
    assert DBTaskResult.objects.count() == 1
    assert "未重复排队" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_table_made_by_a_worker_process_is_the_one_made_inline(
    filled, settings, tmp_path, capsys
):
    from django_tasks_db.models import DBTaskResult

    inline = tmp_path / "inline.pdf"
    export("--unit", T1, "--format", "pdf", "--output", str(inline))
    settings.TASKS = QUEUED
    export("--unit", T1, "--format", "pdf", "--enqueue")
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    (row,) = DBTaskResult.objects.all()
    assert row.status == "SUCCESSFUL", row.traceback
    assert row.return_value["rows"] == 2
    fetched = tmp_path / "fetched.pdf"
    call_command("task_result", str(row.pk), "--output", str(fetched))
    made = fetched.read_bytes()
    assert row.return_value["sha256"] == hashlib.sha256(made).hexdigest()
    assert tasks.export_read(row.return_value) == made
    # The same table, byte for byte but for the time each PDF was made (issue 16).
    assert undated(made) == undated(inline.read_bytes())


def undated(pdf: bytes) -> bytes:
    """The PDF without its creation and modification dates and the ID made from them."""
    pdf = re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID\s*\[\s*<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\s*\]", b"", pdf)


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_worker_is_kept_and_told(tree, settings, capsys):
    from django_tasks_db.models import DBTaskResult

    from yinzheng.stats.tasks import export_table

    settings.TASKS = QUEUED
    # Queued past the command's check: the county has no table.
    export_table.enqueue(county=COUNTY, unit=None, fmt="pdf")
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    (row,) = DBTaskResult.objects.all()
    assert row.status == "FAILED"
    with pytest.raises(SystemExit) as exit_code:
        call_command("task_result", str(row.pk))
    assert exit_code.value.code == 1
    assert "还没有发布统计表" in capsys.readouterr().out
