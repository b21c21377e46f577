"""The supervision scan as tasks (issue 15, supervision.tasks): one per county,
queued by `yinzheng supervision scan --enqueue`; a county scanned by a worker process
gives what the inline scan gives."""

import json

import pytest
from django.core.management import call_command

from yinzheng.core.tests.workers import run_db_worker
from yinzheng.supervision.models import Alert
from yinzheng.supervision.tasks import scan_county

from . import factories


@pytest.mark.django_db
def test_inline_the_enqueued_scan_runs_at_once_and_says_how_many_counties(tree, capsys):
    call_command("supervision", "scan", "--enqueue", "--county", "620725")
    assert "已排队 1 个县" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_task_gives_the_counts_the_command_prints(tree, capsys):
    call_command("supervision", "scan", "--county", "620725", "--json")
    printed = json.loads(capsys.readouterr().out)
    counted = scan_county.call("620725", None, None)
    assert set(counted) == set(printed)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_county_scanned_by_a_worker_process_matches_the_inline_scan(
    tree, clock_at, monkeypatch, settings
):
    from django_tasks_db.models import DBTaskResult

    clock_at(2026, 11, 3, 22, 15)  # a sealing late at night
    factories.register_entry(tree["A1a"], "work")
    clock_at(2026, 10, 2, 10)  # and one on National Day
    factories.register_entry(tree["A1a"], "work")
    monkeypatch.undo()  # the worker process reads the real clock: so does this scan
    inline = scan_county.call("620725", "2026-10-01", "2026-11-30")
    assert inline["raised"] == 2
    alerts = sorted(Alert.objects.values_list("fingerprint", "summary", "evidence"))
    Alert.objects.all().delete()

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command(
        "supervision",
        "scan",
        "--enqueue",
        "--county",
        "620725",
        "--since",
        "2026-10-01",
        "--until",
        "2026-11-30",
    )
    assert Alert.objects.count() == 0
    worker = run_db_worker()
    assert worker.returncode == 0, worker.stderr
    (result,) = DBTaskResult.objects.all()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == inline
    assert (
        sorted(Alert.objects.values_list("fingerprint", "summary", "evidence"))
        == alerts
    )
