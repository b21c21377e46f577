"""Later national batches and the follow-up they cause (REQ-015)."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import FollowUpTask
from yinzheng.catalogue.services import batches
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from yinzheng.core.tests import factories as f

from . import factories


def batch2(*items):
    return {
        "list": {
            "batch_no": 2,
            "title": "不应由基层群众性自治组织出具证明事项清单（第二批，测试）",
            "valid_from": "2026-01-01",
        },
        "approval": {"body": "测试机关", "date": "2025-12-01", "reference": "测试文号"},
        "items": [
            {
                "number": n,
                "key": it.key,
                "name": it.name,
                "aliases": [],
                "route": "向有关部门申请",
                "responsible_departments": ["公安"],
            }
            for n, it in enumerate(items, 1)
        ],
    }


def test_a_later_batch_opens_a_task_for_each_list_still_naming_its_items(tree):
    kept, hit = factories.item("甲证明"), factories.item("乙证明")
    county = factories.published("620725", ListKind.POSITIVE, [kept, hit])
    factories.published("440804", ListKind.POSITIVE, [kept])

    version, tasks = batches.national_batch_import(actor=SYSTEM, data=batch2(hit))

    assert version.catalogue_list.batch_no == 2 and version.entries.count() == 1
    assert [(t.catalogue_list_id, t.item_keys) for t in tasks] == [
        (county.catalogue_list_id, [hit.key])
    ]
    # The county's next version cannot keep the item (REQ-004, REQ-010).
    with pytest.raises((InvalidInput, services.ListRuleViolation)):
        factories.published(
            "620725",
            ListKind.POSITIVE,
            [kept, hit],
            valid_from=dt.date(2026, 2, 1),
            catalogue_list=county.catalogue_list,
        )


def test_the_owner_closes_the_task_with_a_note_and_others_cannot(tree):
    hit = factories.item()
    factories.published("620725", ListKind.POSITIVE, [hit])
    _v, (task,) = batches.national_batch_import(actor=SYSTEM, data=batch2(hit))
    other = f.user("o", role=Role.CIVIL_AFFAIRS, at="440804")
    officer = f.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    with pytest.raises(NotFound):
        batches.follow_up_close(actor=other, task_id=task.pk, note="x")
    with pytest.raises(InvalidInput):
        batches.follow_up_close(actor=officer, task_id=task.pk, note=" ")
    closed = batches.follow_up_close(actor=officer, task_id=task.pk, note="已移出")
    assert closed.closed_by == officer
    with pytest.raises(Conflict):
        batches.follow_up_close(actor=officer, task_id=task.pk, note="again")


def test_the_officer_sees_open_tasks_on_the_home_page(tree, client):
    hit = factories.item()
    factories.published("620725", ListKind.POSITIVE, [hit])
    batches.national_batch_import(actor=SYSTEM, data=batch2(hit))
    client.force_login(f.user("m", role=Role.CIVIL_AFFAIRS, at="620725"))
    assert "新批次负面清单引起的清单跟进任务" in client.get("/").content.decode()


def test_a_county_officer_cannot_import_national_batches(tree):
    officer = f.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    with pytest.raises(NotAllowed):
        batches.national_batch_import(actor=officer, data=batch2(factories.item()))


@pytest.mark.parametrize(
    "broken",
    [
        {"list": {}},
        {"list": {"batch_no": 1, "valid_from": "2026-01-01", "title": "x"}},
        {"list": {"batch_no": 2, "valid_from": "bad", "title": "x"}},
    ],
)
def test_a_bad_batch_file_is_refused_and_nothing_is_written(tree, broken):
    data = {**batch2(factories.item()), **broken}
    with pytest.raises(InvalidInput):
        batches.national_batch_import(actor=SYSTEM, data=data)
    assert not FollowUpTask.objects.exists()


def test_the_command_imports_and_reports_tasks(tree, tmp_path, capsys):
    hit = factories.item("丙证明")
    factories.published("620725", ListKind.POSITIVE, [hit])
    path = tmp_path / "batch2.json"
    path.write_text(json.dumps(batch2(hit), ensure_ascii=False), encoding="utf-8")
    call_command("catalogue_import_batch", str(path))
    out = capsys.readouterr().out
    assert "建立跟进任务 1 个" in out and hit.key in out
    with pytest.raises(CommandError):
        call_command("catalogue_import_batch", str(path))  # batch 2 exists now


def test_the_manage_page_shows_and_closes_the_task(tree, client):
    hit = factories.item()
    county = factories.published("620725", ListKind.POSITIVE, [hit])
    _v, (task,) = batches.national_batch_import(actor=SYSTEM, data=batch2(hit))
    client.force_login(f.user("m", role=Role.CIVIL_AFFAIRS, at="620725"))
    url = f"/catalogue/manage/lists/{county.catalogue_list_id}/"
    assert hit.key in client.get(url).content.decode()
    client.post(f"{url}follow-ups/{task.pk}/close/", {"note": "已在第 2 版移出"})
    task.refresh_from_db()
    assert task.closed_at is not None and task.closing_note == "已在第 2 版移出"
