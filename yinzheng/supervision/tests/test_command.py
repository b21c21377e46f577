"""`yinzheng supervision scan | draw | overdue | export-items`: thin wrappers over the
services, quiet for cron, clear words for bad input."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from yinzheng.core.actors import SYSTEM
from yinzheng.supervision import services
from yinzheng.supervision.choices import AlertKind, FindingKind
from yinzheng.supervision.models import Alert, Draw
from yinzheng.supervision.services.alerts import ScanResult

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("supervision", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def late(tree, clock_at):
    """A case and a rectification item registered on 2027-01-05, looked at on 02-01."""
    clock_at(2027, 1, 5, 9)
    case = services.case_report_public(
        county_code="620725",
        demanding_unit="县供电公司",
        item_text="用电证明",
        account="办理过户时被要求开具。",
        contact_phone="13912345678",
    )
    finding = services.finding_record(
        actor=SYSTEM,
        committee_code=tree["A1a"],
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description="空白纸张盖章未登记",
        deadline=dt.date(2027, 1, 10),
    )
    clock_at(2027, 2, 1, 9)
    return case, finding.items.get()


def test_scan_is_quiet_when_nothing_is_raised_and_idempotent(tree):
    assert run("scan") == ""
    assert run("scan", "--county", "620725", "--since", "2026-01-01") == ""
    report = json.loads(run("scan", "--json"))
    assert report["raised"] == 0 and report["by_kind"] == {}
    assert not Alert.objects.exists()


def test_scan_says_what_it_raised(tree, monkeypatch):
    result = ScanResult(raised=3, refreshed=1, unchanged=4)
    result.by_kind[AlertKind.OFF_HOURS] = 2
    result.by_kind[AlertKind.HANDOVER_OVERDUE] = 1
    seen = {}

    def fake_scan(**kwargs):
        seen.update(kwargs)
        return result

    monkeypatch.setattr(services, "scan", fake_scan)
    text = run("scan", "--county", "620725", "--until", "2026-11-30")
    assert "新增预警 3 条，更新 1 条，无变化 4 条" in text
    assert f"{AlertKind.OFF_HOURS.label}：2 条" in text
    assert seen["actor"] is SYSTEM and seen["county_codes"] == ["620725"]
    assert seen["until"] == dt.date(2026, 11, 30) and seen["since"] is None
    report = json.loads(run("scan", "--json"))
    assert report["by_kind"] == {"off_hours": 2, "handover_overdue": 1}


def test_scan_refuses_bad_input_in_words(tree):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("scan", "--since", "2026-13-01")
    with pytest.raises(CommandError, match="没有这个县"):
        run("scan", "--county", "999999")
    with pytest.raises(CommandError, match="没有这个县"):
        run("scan", "--county", tree["A1a"])  # a committee, not a county
    with pytest.raises(CommandError, match="晚于截止日期"):
        run("scan", "--since", "2026-11-02", "--until", "2026-11-01")
    with pytest.raises(CommandError, match="不能晚于今天"):
        run("scan", "--until", "2999-01-01")


def test_draw_prints_the_committees_drawn_per_township_REQ_095(tree):
    text = run("draw", "620725", "--seed", "s1")
    draw = Draw.objects.get()
    assert draw.seed == "s1" and draw.drawn_by is None  # the system drew
    assert "种子 s1" in text and "2 个乡镇，共 3 个村（居）" in text
    assert "620725101" in text and tree["A1a"] in text and tree["A2a"] in text
    again = json.loads(run("draw", "620725", "--seed", "s1", "--json"))
    assert again["seed"] == "s1" and again["county"] == "620725"
    townships = {t["code"]: t["committees"] for t in again["townships"]}
    assert sorted(c["code"] for c in townships["620725101"]) == sorted(
        [tree["A1a"], tree["A1b"]]
    )
    assert [c["code"] for c in townships["620725102"]] == [tree["A2a"]]


def test_draw_refuses_what_is_not_a_county(tree):
    with pytest.raises(CommandError, match="没有这个县"):
        run("draw", "620725101")
    with pytest.raises(CommandError, match="没有这个县"):
        run("draw", "123456")


def test_overdue_lists_late_cases_and_items(late):
    case, item = late
    text = run("overdue")
    assert "逾期投诉 1 件" in text and case.tracking_no in text
    assert "13912345678" not in text
    assert "逾期整改事项 1 项" in text and f"#{item.pk}" in text
    assert "时限 2027-01-10，逾期 22 天" in text
    report = json.loads(run("overdue", "--under", "620725", "--json"))
    assert [c["tracking_no"] for c in report["cases"]] == [case.tracking_no]
    assert [i["id"] for i in report["items"]] == [item.pk]
    elsewhere = json.loads(run("overdue", "--under", "440804", "--json"))
    assert elsewhere["cases"] == [] and elsewhere["items"] == []
    with pytest.raises(CommandError, match="没有这个区划"):
        run("overdue", "--under", "999999")


def test_export_items_writes_the_rectification_list_REQ_096(late, tmp_path):
    _case, item = late
    out = tmp_path / "items.xlsx"
    text = run("export-items", "--under", "620725", "--out", str(out))
    assert "已导出 1 项" in text
    ws = load_workbook(out).active
    assert (
        ws["A1"].value.endswith("整改清单") and ws["B4"].value == item.responsible_unit
    )
    assert ws["K4"].value == "是"
    empty = tmp_path / "none.xlsx"
    assert "已导出 0 项" in run(
        "export-items", "--under", "440804", "--out", str(empty)
    )


def test_export_items_refuses_bad_input_in_words(tree, tmp_path):
    with pytest.raises(CommandError, match="xlsx"):
        run("export-items", "--under", "620725", "--out", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match="没有这个区划"):
        run("export-items", "--under", "999999", "--out", str(tmp_path / "a.xlsx"))
    with pytest.raises(CommandError, match="无法写入"):
        run("export-items", "--under", "620725", "--out", str(tmp_path / "no/a.xlsx"))
    with pytest.raises(CommandError):
        run("export-items", "--out", str(tmp_path / "a.xlsx"))  # --under is required
