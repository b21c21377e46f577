"""The statistics table's journey in a real browser (REQ-100–102).

The county's civil-affairs officer publishes the table with its deadline; a township
officer opens the township's return from the list, adds two rows in the official
columns, ticks the confirmation and submits; the officer reloads the table and sees the
township 已报送 (the other 未填报), then downloads the consolidated table as xlsx and
finds the official title, the 填报单位（盖章） line and both rows numbered 1 and 2. The
officer then opens the dashboard (REQ-103) over a generated year of cases: ECharts draws
every chart (an SVG in each chart element) with its table beside it, the key figure is
the number of cases received, and the consolidated tables export as one workbook.

The clock (core.clock) is pinned by the test: the live server runs in this process, so
the pages read the same time. Uses the small tree (yinzheng/conftest.py). Skips, with
the reason, when Chromium or playwright is missing.
"""

import datetime as dt
from contextlib import ExitStack

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.core.tests.browser import chromium, expect, log_in, new_page
from yinzheng.stats.models import StatsTable, TableReturn
from yinzheng.stats.tests import dataset

PASSWORD = "test-pass-123"  # core.tests.factories.user
COUNTY, T1, T2 = "620725", "620725101", "620725102"
TITLE = "应由基层群众性自治组织出具证明事项统计表"
ROWS = [
    {
        "证明事项名称": "居民死亡证明",
        "法律法规、政策依据": "《殡葬管理条例》",
        "实施单位": "村（居）民委员会",
        "主管部门": "县民政局",
        "备注": "",
    },
    {
        "证明事项名称": "家庭经济困难证明",
        "法律法规、政策依据": "《社会救助暂行办法》第十一条",
        "实施单位": "村（居）民委员会",
        "主管部门": "县民政局",
        "备注": "用于申请低保",
    },
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def staff(live_server, tree, clock_at):
    clock_at(2026, 3, 2, 9)  # a Monday
    return {
        "officer": f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY),
        "township": f.user("xiang1", role=Role.TOWNSHIP, at=T1),
    }


@pytest.fixture
def open_page(browser, live_server):
    """open_page() → a page in its own context (own cookies): one per person."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(
            new_page(browser, live_server.url, accept_downloads=True)
        )


def submit(page, scope, name: str) -> None:
    """Click the `name` button inside `scope` and wait for the next page."""
    with page.expect_navigation():
        scope.get_by_role("button", name=name, exact=True).click()


def test_a_township_fills_and_submits_and_the_bureau_exports_the_table(
    staff, open_page, tmp_path
):
    from openpyxl import load_workbook

    # The county's officer publishes the table with its deadline (REQ-102).
    officer = open_page()
    log_in(officer, "minzheng", PASSWORD)
    officer.goto("/stats/tables/")
    with officer.expect_navigation():
        officer.get_by_role("link", name="发布统计表").click()
    form = officer.locator("main form[method=post]")
    expect(form.get_by_label("县（市、区）")).to_have_value(COUNTY)
    form.get_by_label("报送截止日期").fill("2026-03-31")
    form.get_by_label("填报说明").fill("请于3月31日前报送。")
    submit(officer, form, "发布")
    table = StatsTable.objects.get()
    assert officer.url.endswith(f"/stats/tables/{table.pk}/")
    expect(officer.locator(".messages")).to_contain_text("已发布统计表")
    expect(officer.locator("dl.facts")).to_contain_text("2026-03-31")
    expect(officer.locator(f"#unit-{T1} .badge")).to_have_text("未填报")

    # The township officer opens its return from the list (REQ-100).
    township = open_page()
    log_in(township, "xiang1", PASSWORD)
    township.goto("/stats/tables/")
    row = township.locator("#fill tbody tr", has_text=f"区划{T1}")
    expect(row).to_contain_text("2026-03-31")
    submit(township, row, "填报本单位统计表")
    ret = TableReturn.objects.get()
    assert township.url.endswith(f"/stats/returns/{ret.pk}/")
    expect(township.locator("h1 #status")).to_have_text("填报中")

    # Two rows through the form, in the official columns (REQ-101).
    for values in ROWS:
        adding = township.locator("#form-row")
        for label, value in values.items():
            adding.get_by_label(label).fill(value)
        submit(township, adding, "添加")
        expect(township.locator(".messages")).to_contain_text("已添加一行")
    lines = township.locator("#rows tbody tr")
    expect(lines).to_have_count(2)
    for number, values in enumerate(ROWS, start=1):
        cells = lines.nth(number - 1).locator("td")
        expect(cells.nth(0)).to_have_text(str(number))
        for column, value in enumerate(values.values(), start=1):
            expect(cells.nth(column)).to_have_text(value)

    # Submitting needs the confirmation ticked; then the return is read-only.
    sending = township.locator("#form-submit")
    sending.get_by_label("确认报送").check()
    submit(township, sending, "报送")
    expect(township.locator(".messages")).to_contain_text("已报送统计表")
    expect(township.locator("h1 #status")).to_have_text("已报送")
    expect(township.locator("#read-only")).to_be_visible()
    expect(township.locator("#form-row")).to_have_count(0)

    # The officer reloads the table: this township submitted, the other has not.
    officer.reload()
    expect(officer.locator(f"#unit-{T1} .badge")).to_have_text("已报送")
    expect(officer.locator(f"#unit-{T1} td").nth(2)).to_have_text("2")  # its rows
    expect(officer.locator(f"#unit-{T2} .badge")).to_have_text("未填报")

    # The consolidated table as a spreadsheet (REQ-101).
    with officer.expect_download() as download_info:
        officer.locator("#exports").get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "table.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet["A1"].value == TITLE
    assert sheet["A2"].value.startswith("填报单位（盖章）")
    assert [sheet.cell(row=r, column=1).value for r in (4, 5)] == [1, 2]
    assert [sheet.cell(row=r, column=2).value for r in (4, 5)] == [
        values["证明事项名称"] for values in ROWS
    ]

    # The dashboard (REQ-103): the county's cases since 1 January, drawn and tabled.
    data = dataset.generate()
    received = len(
        dataset.matching_cases(data, COUNTY, dt.date(2026, 1, 1), dt.date(2026, 3, 2))
    )
    errors: list[str] = []
    officer.on("pageerror", lambda exc: errors.append(str(exc)))
    officer.on(  # the charts need no inline script or style (the site's CSP)
        "console",
        lambda m: "Content Security Policy" in m.text and errors.append(m.text),
    )
    with officer.expect_navigation():
        officer.locator("header nav").get_by_role("link", name="统计分析").click()
    assert officer.url.endswith("/stats/dashboard/")
    expect(officer.locator("#total")).to_have_text(str(received))
    expect(officer.locator("#chart-trend [data-chart] svg")).to_have_count(1)
    charts = officer.locator("[data-chart]")
    for n in range(charts.count()):
        expect(charts.nth(n).locator("svg")).to_have_count(1)
    officer.locator("#chart-trend [data-chart]").hover()  # a tooltip, drawn in the SVG
    officer.locator("#chart-outcomes [data-chart]").hover()
    expect(officer.locator("#table-units tbody tr")).to_have_count(3)  # 3 townships
    expect(officer.locator("#table-units tfoot td").nth(1)).to_have_text(str(received))
    assert errors == []

    # Drilling down to a township, then the consolidated tables as one workbook.
    with officer.expect_navigation():
        officer.locator("#table-units").get_by_role("link", name=f"区划{T1}").click()
    expect(officer.locator("h1")).to_contain_text(f"区划{T1}")
    officer.go_back()
    with officer.expect_download() as download_info:
        officer.locator("#export-all").get_by_role("link", name="Excel").click()
    saved = tmp_path / "dashboard.xlsx"
    download_info.value.save_as(saved)
    book = load_workbook(saved)
    units = book["各乡镇（街道）办理情况"]
    assert units["A3"].value == "乡镇（街道）"
    assert units.cell(row=units.max_row, column=1).value == "合计"
    assert units.cell(row=units.max_row, column=3).value == received

    # The same dashboard greets the officer on the home page.
    officer.goto("/")
    expect(officer.locator("#home-dashboard")).to_be_visible()
    expect(officer.locator("#chart-units [data-chart] svg")).to_have_count(1)
