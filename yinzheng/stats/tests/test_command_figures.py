"""`yinzheng stats figures` (REQ-103, REQ-114): a division's figures for a period as
the API's JSON or the dashboard's tables in CSV, to a file or the screen; bad input is
a sentence, not a traceback."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from . import dataset as d

pytestmark = pytest.mark.django_db

PERIOD = ["--from", d.FIRST.isoformat(), "--to", d.LAST.isoformat()]


@pytest.fixture
def data(clock_at):
    clock_at(2026, 3, 20, 10)
    return d.generate()


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", "figures", *args, stdout=out)
    return out.getvalue()


def test_json_to_a_file_is_the_api_answer(data, tmp_path):
    target = tmp_path / "figures.json"
    said = _run(
        "--division", d.COUNTY, *PERIOD, "--format", "json", "--output", str(target)
    )
    assert str(target) in said
    body = json.loads(target.read_text(encoding="utf-8"))
    total = len(d.matching_cases(data, d.COUNTY, d.FIRST, d.LAST))
    assert body["cases"]["total"] == total
    assert sum(b["count"] for b in body["cases"]["outcomes"]) == total
    assert body["division"]["code"] == d.COUNTY
    assert body["list_versions"]
    assert "生成数据" not in target.read_text(encoding="utf-8")  # no resident's name


def test_csv_to_the_screen_is_the_dashboard_tables(data):
    text = _run("--division", d.T1, *PERIOD, "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["受理、出具和不予出具趋势（按月）"]
    assert ["合计", str(len(d.matching_cases(data, d.T1, d.FIRST, d.LAST)))] in [
        r[:2] for r in rows
    ]
    assert ["办理结果"] in rows and ["用印分类统计（已登记用印）"] in rows


def test_the_period_defaults_to_the_year_so_far(data):
    body = json.loads(_run("--division", d.COUNTY, "--format", "json"))
    assert (body["date_from"], body["date_to"]) == ("2026-01-01", "2026-03-20")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--division", "abc", "--format", "json"], "区划代码"),
        (["--division", "620725199", "--format", "json"], "没有这个区划"),
        (["--division", d.COUNTY, "--format", "xlsx"], "不支持的格式"),
        (
            ["--division", d.COUNTY, "--from", "2026-02-30", "--format", "csv"],
            "开始日期",
        ),
        (
            [
                "--division",
                d.COUNTY,
                "--from",
                "2026-03-01",
                "--to",
                "2026-02-01",
                "--format",
                "csv",
            ],
            "开始日期不能晚于结束日期",
        ),
    ],
)
def test_bad_input_is_a_sentence(data, args, words):
    with pytest.raises(CommandError, match=words):
        _run(*args)


def test_a_directory_is_not_a_file(data, tmp_path):
    with pytest.raises(CommandError, match="目录"):
        _run("--division", d.COUNTY, "--format", "json", "--output", str(tmp_path))
