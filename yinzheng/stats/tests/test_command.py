"""`yinzheng stats export-table`: the statistics table of one unit or of the whole
county, as xlsx or PDF, read back; bad input is a sentence, not a traceback."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.models.tables import TITLE

pytestmark = pytest.mark.django_db

COUNTY, T1, T2 = "620725", "620725101", "620725102"
DEADLINE = dt.date(2020, 12, 30)
COLUMNS = ["序号", "证明事项名称", "法律法规、政策依据", "实施单位", "主管部门", "备注"]


def _row(name: str) -> dict[str, str]:
    return {
        "item_name": name,
        "basis": "《村民委员会组织法》",
        "implementing_unit": "村民委员会",
        "competent_department": "县民政局",
        "note": "",
    }


@pytest.fixture
def filled(tree, clock_at):
    """Township 1 submitted two rows on 2020-12-20; township 2 has a draft with one;
    the police have submitted one."""
    clock_at(2020, 12, 1, 10)
    bureau = f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY)
    t1 = f.user("xiang1", role=Role.TOWNSHIP, at=T1)
    t2 = f.user("xiang2", role=Role.TOWNSHIP, at=T2)
    police = f.user(
        "gongan",
        role=Role.DEPARTMENT,
        at=COUNTY,
        department=Department.PUBLIC_SECURITY,
    )
    table = services.table_create(
        actor=bureau,
        county_code=COUNTY,
        deadline=DEADLINE,
        departments=[Department.PUBLIC_SECURITY, Department.HEALTH],
    )
    r1 = services.return_open(actor=t1, table_id=table.pk, township_code=T1)
    services.row_add(actor=t1, return_id=r1.pk, values=_row("居住证明"))
    services.row_add(actor=t1, return_id=r1.pk, values=_row("婚姻状况证明"))
    r2 = services.return_open(actor=t2, table_id=table.pk, township_code=T2)
    services.row_add(actor=t2, return_id=r2.pk, values=_row("草稿中的证明"))
    rp = services.return_open(
        actor=police, table_id=table.pk, department=Department.PUBLIC_SECURITY
    )
    services.row_add(actor=police, return_id=rp.pk, values=_row("亲属关系证明"))
    clock_at(2020, 12, 20, 16)
    services.return_submit(actor=t1, return_id=r1.pk)
    services.return_submit(actor=police, return_id=rp.pk)
    clock_at(2021, 1, 4, 9)  # "today" for the consolidated table
    return table


def _export(tmp_path, *args: str, name: str = "out.xlsx") -> tuple[str, object]:
    out = tmp_path / name
    stdout = io.StringIO()
    call_command(
        "stats",
        "export-table",
        "--county",
        COUNTY,
        *args,
        "--output",
        str(out),
        stdout=stdout,
    )
    return stdout.getvalue(), out


def _sheet(path):
    return load_workbook(path).active


def _body(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_col=6)]


def test_a_townships_return_as_xlsx(filled, tmp_path):
    said, out = _export(tmp_path, "--unit", T1, "--format", "xlsx")
    assert "2 行" in said
    ws = _sheet(out)
    assert ws["A1"].value == TITLE
    assert ws["A2"].value == "填报单位（盖章）：区划620725101"
    assert ws["D2"].value == "时间：2020年12月20日"  # the day it was submitted
    assert [c.value for c in ws[3]] == COLUMNS
    body = _body(ws)
    assert [r[0] for r in body] == [1, 2]
    assert [r[1] for r in body] == ["居住证明", "婚姻状况证明"]


def test_a_departments_return_by_value_or_label(filled, tmp_path):
    for unit in ("public_security", "公安"):
        _said, out = _export(tmp_path, "--unit", unit, "--format", "xlsx")
        ws = _sheet(out)
        assert ws["A2"].value == "填报单位（盖章）：区划620725公安"
        assert [r[1] for r in _body(ws)] == ["亲属关系证明"]


def test_a_draft_return_is_dated_today(filled, tmp_path):
    _said, out = _export(tmp_path, "--unit", T2, "--format", "xlsx")
    ws = _sheet(out)
    assert ws["D2"].value == "时间：2021年1月4日"
    assert [r[1] for r in _body(ws)] == ["草稿中的证明"]


def test_the_consolidated_table_numbers_every_submitted_row(filled, tmp_path):
    _said, out = _export(tmp_path, "--format", "XLSX")
    ws = _sheet(out)
    assert ws["A2"].value == "填报单位（盖章）：区划620725民政局（汇总）"
    assert ws["D2"].value == "时间：2021年1月4日"
    body = _body(ws)
    assert [r[0] for r in body] == [1, 2, 3]  # not the units' own positions 1, 2, 1
    names = {r[1] for r in body}
    assert names == {"居住证明", "婚姻状况证明", "亲属关系证明"}  # no draft rows


def test_the_consolidated_table_as_pdf(filled, tmp_path):
    _said, out = _export(tmp_path, "--format", "pdf", name="out.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("reading PDF text needs poppler-utils (pdftotext), not installed")
    text = subprocess.run(
        [tool, "-layout", str(out), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert TITLE in flat
    assert "填报单位（盖章）：区划620725民政局（汇总）" in flat
    assert "时间：2021年1月4日" in flat
    heading = next(line for line in text.splitlines() if "序号" in line)
    positions = [heading.find(h) for h in COLUMNS]
    assert -1 not in positions and positions == sorted(positions)
    assert "亲属关系证明" in flat


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--county", "620799"], "没有这个县（市、区）"),
        (["--county", T1], "没有这个县（市、区）"),
        (["--unit", "620725199"], "未知的填报单位"),
        (["--unit", "440804001"], "未知的填报单位"),
        (["--unit", "交通"], "未知的填报单位"),
        (["--unit", "justice"], "不在本统计表的填报单位之列"),
        (["--unit", "health"], "尚未填报"),
        (["--format", "docx"], "不支持的格式"),
    ],
)
def test_bad_input_is_a_sentence(filled, tmp_path, args, message):
    options = {"--county": COUNTY, "--format": "xlsx", "--unit": None}
    for key, value in zip(args[::2], args[1::2], strict=True):
        options[key] = value
    argv = ["stats", "export-table"]
    for key, value in options.items():
        if value is not None:
            argv += [key, value]
    with pytest.raises(CommandError, match=message):
        call_command(*argv, "--output", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_a_county_without_a_table(tree, tmp_path):
    with pytest.raises(CommandError, match="还没有发布统计表"):
        call_command(
            "stats",
            "export-table",
            "--county",
            COUNTY,
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )


def test_an_unwritable_output(filled, tmp_path):
    with pytest.raises(CommandError, match="无法写入"):
        _export(tmp_path, "--format", "xlsx", name="missing/dir/out.xlsx")
    with pytest.raises(CommandError, match="目录"):
        call_command(
            "stats",
            "export-table",
            "--county",
            COUNTY,
            "--format",
            "xlsx",
            "--output",
            str(tmp_path),
        )
