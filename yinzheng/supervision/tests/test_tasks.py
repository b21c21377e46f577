"""The supervision scan as tasks (issue 15, supervision.tasks): one per county,
queued by `yinzheng supervision scan --enqueue`; a county scanned by a worker process
gives what the inline scan gives."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from yinzheng.core import tasks
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests.workers import run_db_worker, run_worker
from yinzheng.supervision import services
from yinzheng.supervision.choices import FindingKind
from yinzheng.supervision.models import Alert, RectificationItem
from yinzheng.supervision.tasks import export_items, scan_county

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


# The rectification list's spreadsheet as a task (supervision.tasks.export_items) ------

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def cells(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def an_item(tree, clock_at) -> None:
    clock_at(2026, 11, 5, 9)
    services.finding_record(
        actor=SYSTEM,
        committee_code=tree["A1a"],
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description="空白纸张盖章未登记",
        deadline=dt.date(2026, 11, 20),
    )


@pytest.mark.django_db
def test_inline_the_list_page_downloads_the_spreadsheet_at_once(tree, clock_at, client):
    an_item(tree, clock_at)
    client.force_login(factories.people(tree).civil)
    answer = client.get(reverse("supervision:items_export"))
    assert answer.status_code == 200
    item = RectificationItem.objects.get()
    assert cells(answer.content)[3][1] == item.responsible_unit


@pytest.mark.django_db
def test_queued_the_page_asks_once_and_shows_it_being_made(
    tree, clock_at, client, settings
):
    from django_tasks_db.models import DBTaskResult

    an_item(tree, clock_at)
    settings.TASKS = QUEUED
    client.force_login(factories.people(tree).civil)
    assert client.get(reverse("supervision:items_export")).status_code == 302
    for _ in range(2):
        client.post(reverse("supervision:items_export") + "?overdue=on")
    (row,) = DBTaskResult.objects.all()
    assert row.args_kwargs["kwargs"]["overdue"] is True
    page = client.get(reverse("supervision:items")).content.decode()
    assert 'id="my-exports"' in page and "生成中" in page
    # Nobody downloads what is not made, nor another's.
    url = reverse("supervision:items_export_file", args=[row.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_spreadsheet_made_by_a_worker_process_is_the_one_made_inline(
    tree, clock_at, monkeypatch, settings, client, tmp_path
):
    from django_tasks_db.models import DBTaskResult

    an_item(tree, clock_at)
    monkeypatch.undo()  # the worker reads the real clock: so does this process
    people = factories.people(tree)
    out = tmp_path / "items.xlsx"
    call_command("supervision", "export-items", "--under", "620725", "--out", str(out))
    client.force_login(people.civil)
    page_inline = client.get(reverse("supervision:items_export")).content

    settings.TASKS = QUEUED
    for _ in range(2):
        call_command("supervision", "export-items", "--under", "620725", "--enqueue")
        client.post(reverse("supervision:items_export"))
    assert DBTaskResult.objects.count() == 2  # one from the command, one from the page
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    by_command, by_page = (
        DBTaskResult.objects.get(args_kwargs__kwargs__requested_by=asker)
        for asker in (None, people.civil.pk)
    )
    assert by_command.status == by_page.status == "SUCCESSFUL"
    assert cells(tasks.export_read(by_command.return_value)) == cells(out.read_bytes())
    assert by_command.return_value["rows"] == 1

    answer = client.get(reverse("supervision:items_export_file", args=[by_page.pk]))
    assert answer.status_code == 200
    assert cells(answer.content) == cells(page_inline)
    # Another who may see the list does not get this one's file.
    client.force_login(people.inspector)
    url = reverse("supervision:items_export_file", args=[by_page.pk])
    assert client.get(url).status_code == 404
    # The command fetches it.
    fetched = tmp_path / "fetched.xlsx"
    call_command("task_result", str(by_command.pk), "--output", str(fetched))
    assert fetched.read_bytes() == tasks.export_read(by_command.return_value)


@pytest.mark.django_db(transaction=True)
def test_an_export_that_fails_in_the_worker_is_shown_as_failed(tree, settings, client):
    from django_tasks_db.models import DBTaskResult

    people = factories.people(tree)
    settings.TASKS = QUEUED
    # No such area: the task fails in the worker (the page never asks this).
    export_items.enqueue(requested_by=people.civil.pk, under="999999")
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    (row,) = DBTaskResult.objects.all()
    assert row.status == "FAILED" and "DoesNotExist" in row.exception_class_path
    client.force_login(people.civil)
    page = client.get(reverse("supervision:items")).content.decode()
    assert 'id="my-exports"' in page and "失败" in page
    # Not a rule's message: the page says the work failed and which task to look up.
    assert "后台任务出错（DoesNotExist）" in page and str(row.pk) in page
