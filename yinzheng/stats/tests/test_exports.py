"""The statistics table as xlsx and PDF (REQ-101), read back: the title, 填报单位（盖章）
and 时间, exactly six columns in the official order, 序号 1..n.

PDF text is read with poppler's pdftotext where it is installed; elsewhere those tests
skip and say why."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import exports, selectors, services
from yinzheng.stats.models import TableRow
from yinzheng.stats.models.tables import TITLE

COLUMNS = ["序号", "证明事项名称", "法律法规、政策依据", "实施单位", "主管部门", "备注"]
DATE = dt.date(2020, 12, 30)
UNIT = "清泉镇人民政府"


def _rows() -> list[TableRow]:
    # Stored positions out of order and with gaps: the export numbers 1..n itself.
    return [
        TableRow(
            position=7,
            item_name="居民死亡证明",
            basis="《殡葬管理条例》第十条",
            implementing_unit="村（居）民委员会",
            competent_department="县民政局",
            note="",
        ),
        TableRow(
            position=3,
            item_name="=SUM(A1:A9)",  # text, never a formula
            basis="a < b & c\n第二行",
            implementing_unit="乡镇人民政府\x07",  # a character a workbook cannot hold
            competent_department="县公安局",
            note="暂保留",
        ),
        TableRow(
            position=3,
            item_name="亲属关系证明",
            basis="《中华人民共和国户口登记条例》",
            implementing_unit="派出所",
            competent_department="县公安局",
            note="",
        ),
    ]


def _sheet(data: bytes):
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data)).active


def pdf_text(data: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("reading PDF text needs poppler-utils (pdftotext), not installed")
    source = tmp_path / "table.pdf"
    source.write_bytes(data)
    out = subprocess.run(
        [tool, "-layout", str(source), "-"], capture_output=True, check=True
    )
    return out.stdout.decode()


def _squeeze(text: str) -> str:
    return "".join(text.split())


# xlsx ---------------------------------------------------------------------------------


def test_xlsx_has_the_official_layout():
    ws = _sheet(exports.table_xlsx(title=TITLE, unit=UNIT, date=DATE, rows=_rows()))
    assert ws["A1"].value == TITLE
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].font.b and ws["A1"].font.sz >= 16
    assert ws["A2"].value == f"填报单位（盖章）：{UNIT}"
    assert ws["D2"].value == "时间：2020年12月30日"
    assert [c.value for c in ws[3]] == COLUMNS
    assert ws.max_column == 6
    assert [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)] == [
        1,
        2,
        3,
    ]
    assert ws["B4"].value == "居民死亡证明"
    assert ws["C4"].value == "《殡葬管理条例》第十条"
    assert ws["E6"].value == "县公安局"
    assert "宋体" in ws["B4"].font.name


def test_xlsx_cells_are_text_and_printable():
    ws = _sheet(exports.table_xlsx(title=TITLE, unit=UNIT, date=DATE, rows=_rows()))
    assert ws["B5"].value == "=SUM(A1:A9)" and ws["B5"].data_type == "s"
    assert ws["D5"].value == "乡镇人民政府"  # the control character left out
    assert ws["C5"].value == "a < b & c\n第二行"
    assert ws["C5"].alignment.wrap_text
    assert ws["C5"].border.left.style == "thin"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert "$A$1:$F$6" in str(ws.print_area)
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width


def test_xlsx_without_rows_keeps_the_headings():
    ws = _sheet(exports.table_xlsx(title=TITLE, unit=UNIT, date=DATE, rows=[]))
    assert [c.value for c in ws[3]] == COLUMNS
    assert ws.max_row == 3


# PDF ----------------------------------------------------------------------------------


def test_pdf_has_the_official_layout(tmp_path):
    data = exports.table_pdf(title=TITLE, unit=UNIT, date=DATE, rows=_rows())
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    flat = _squeeze(text)
    assert TITLE in flat
    assert f"填报单位（盖章）：{UNIT}" in flat
    assert "时间：2020年12月30日" in flat
    # The six headings, in order, on one line.
    heading = next(line for line in text.splitlines() if "序号" in line)
    positions = [heading.find(h) for h in COLUMNS]
    assert -1 not in positions, heading
    assert positions == sorted(positions)
    assert "居民死亡证明" in flat and "《殡葬管理条例》第十条" in flat
    assert "a<b&c" in flat  # the text itself, not markup
    assert flat.index(TITLE) < flat.index("填报单位") < flat.index("序号")


def test_pdf_numbers_the_rows_and_is_landscape(tmp_path):
    data = exports.table_pdf(title=TITLE, unit=UNIT, date=DATE, rows=_rows())
    lines = pdf_text(data, tmp_path).splitlines()
    numbers = [
        line.split()[0]
        for line in lines
        if line.split()
        and line.split()[0].isdigit()
        and any(n in line for n in ("居民死亡", "SUM", "亲属关系"))
    ]
    assert numbers == ["1", "2", "3"]
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in data


def test_pdf_is_deterministic():
    one = exports.table_pdf(title=TITLE, unit=UNIT, date=DATE, rows=_rows())
    two = exports.table_pdf(title=TITLE, unit=UNIT, date=DATE, rows=_rows())
    assert one == two


def test_pdf_repeats_the_headings_on_every_page(tmp_path):
    many = [
        TableRow(
            position=n,
            item_name=f"证明事项{n}",
            basis="依据" * 40,
            implementing_unit="村委会",
            competent_department="县民政局",
        )
        for n in range(1, 61)
    ]
    data = exports.table_pdf(title=TITLE, unit=UNIT, date=DATE, rows=many)
    pages = pdf_text(data, tmp_path).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1
    for page in pages:
        assert "证明事项名称" in page
    assert "证明事项60" in pages[-1]


# From the services: a township's rows reach the export (REQ-100) --------------------


@pytest.mark.django_db
def test_a_townships_submitted_rows_reach_both_files(tree, clock_at, tmp_path):
    clock_at(2020, 12, 1, 10)
    bureau = f.user("minzheng", role=Role.CIVIL_AFFAIRS, at="620725")
    township = f.user("xiang1", role=Role.TOWNSHIP, at="620725101")
    table = services.table_create(
        actor=bureau, county_code="620725", deadline=DATE, departments=[]
    )
    ret = services.return_open(
        actor=township, table_id=table.pk, township_code="620725101"
    )
    for name in ("居住证明", "无犯罪记录证明"):
        services.row_add(
            actor=township,
            return_id=ret.pk,
            values={
                "item_name": name,
                "basis": "《村民委员会组织法》",
                "implementing_unit": "村民委员会",
                "competent_department": "县民政局",
            },
        )
    services.return_submit(actor=township, return_id=ret.pk)

    rows = list(selectors.rows_of(ret))
    ws = _sheet(
        exports.table_xlsx(title=table.title, unit=ret.unit_name, date=DATE, rows=rows)
    )
    assert ws["A2"].value == f"填报单位（盖章）：{ret.unit_name}"
    assert [ws.cell(row=r, column=2).value for r in (4, 5)] == [
        "居住证明",
        "无犯罪记录证明",
    ]
    consolidated = selectors.consolidated_rows(table)
    data = exports.table_pdf(
        title=table.title, unit="汇总", date=DATE, rows=consolidated
    )
    flat = _squeeze(pdf_text(data, tmp_path))
    assert "无犯罪记录证明" in flat and "居住证明" in flat


def test_the_pdf_is_dated_when_it_was_made():
    """Issue 16: not ReportLab's fixed 2000-01-01; the time given, in Beijing time."""
    import datetime as dt
    import re

    made = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    data = exports.table_pdf(
        title=TITLE, unit=UNIT, date=DATE, rows=_rows(), made_at=made
    )
    assert re.search(rb"/CreationDate \(D:20260302090000\+08'00'\)", data)
    assert data == exports.table_pdf(
        title=TITLE, unit=UNIT, date=DATE, rows=_rows(), made_at=made
    )
