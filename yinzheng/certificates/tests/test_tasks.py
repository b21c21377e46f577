"""The credit export as a task (issue 15, certificates.tasks): `yinzheng credit-export
--enqueue` queues one run, a worker process sends what the inline run sends, and a
platform's refusal stays on the submission and in the task's result."""

import json

import pytest
from django.core.management import call_command

from yinzheng.certificates import services
from yinzheng.certificates.choices import SubmissionStatus
from yinzheng.certificates.tasks import export_credit
from yinzheng.core.tests.workers import run_worker

from . import test_commitments
from .test_commitments import COUNTY, _false_record

# The platform on 127.0.0.1 of the commitment tests (a fixture).
platform_server = test_commitments.platform_server

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def item(catalogue):
    from .factories import commitment_item

    return commitment_item()


def _platform(people, server) -> None:
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="全国信用信息共享平台",
        endpoint=server.url + "/records",
    )


def test_inline_the_enqueued_export_sends_at_once(
    people,
    item,
    platform_server,
    capsys,
):
    _platform(people, platform_server)
    record = _false_record(people, item)
    call_command("credit_export", "--enqueue")
    assert "共 1 条，失败 0 条" in capsys.readouterr().out
    assert record.submissions.get().status == SubmissionStatus.SENT


def test_the_task_gives_what_the_command_prints(
    people,
    item,
    platform_server,
    capsys,
):
    _platform(people, platform_server)
    _false_record(people, item)
    call_command("credit_export", "--dry-run", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert export_credit.call(under=None, dry_run=True, timeout=5, actor=None) == (
        printed
    )


@pytest.mark.django_db
def test_queued_twice_is_one_task(people, item, settings, capsys):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUED
    call_command("credit_export", "--enqueue")
    call_command("credit_export", "--enqueue")
    assert DBTaskResult.objects.count() == 1
    assert "未重复排队" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_what_the_inline_run_sends(
    people,
    item,
    platform_server,
    settings,
):
    from django_tasks_db.models import DBTaskResult

    _platform(people, platform_server)
    first = _false_record(people, item, resident_name="王五")
    inline = export_credit.call(under=None, dry_run=False, timeout=5, actor=None)
    second = _false_record(people, item, resident_name="赵六")

    settings.TASKS = QUEUED
    call_command("credit_export", "--enqueue")
    call_command("credit_export", "--enqueue")
    assert DBTaskResult.objects.count() == 1
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    (row,) = DBTaskResult.objects.all()
    assert row.status == "SUCCESSFUL", row.traceback

    def without_ids(result):
        return [{**o, "submission": None} for o in result["outcomes"]]

    sent = second.submissions.get()
    assert row.return_value == {**inline, "outcomes": row.return_value["outcomes"]}
    assert without_ids(row.return_value) == without_ids(inline)
    assert [o["submission"] for o in row.return_value["outcomes"]] == [sent.pk]
    assert first.submissions.get().attempts == 1  # not sent again
    assert sent.status == SubmissionStatus.SENT
    # The platform got from the worker what it got inline, for the other person.
    a, b = (r["body"] for r in platform_server.received)
    assert a["subject"]["name"] == "王五" and b["subject"]["name"] == "赵六"
    assert a.keys() == b.keys() and a["schema"] == b["schema"]


@pytest.mark.django_db(transaction=True)
def test_a_refusal_seen_by_the_worker_is_kept(
    people,
    item,
    platform_server,
    settings,
):
    from django_tasks_db.models import DBTaskResult

    _platform(people, platform_server)
    record = _false_record(people, item)
    platform_server.replies.append((500, {"error": "维护中"}))
    settings.TASKS = QUEUED
    call_command("credit_export", "--enqueue")
    worker = run_worker()
    assert worker.returncode == 0, worker.stderr
    (row,) = DBTaskResult.objects.all()
    assert row.return_value["failed"] == 1
    sub = record.submissions.get()
    assert sub.status == SubmissionStatus.FAILED and "HTTP 500" in sub.last_error
    assert row.return_value["outcomes"][0]["detail"] == sub.last_error
