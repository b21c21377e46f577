"""The rectification list as a printable table (REQ-096)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from yinzheng.core.actors import SYSTEM
from yinzheng.supervision import exports, selectors, services
from yinzheng.supervision.choices import FindingKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(tree, clock_at):
    """Two items at 2027-01-05: one due on the 10th, one on the 20th, closed."""
    clock_at(2027, 1, 5, 9)
    inspection = services.inspection_create(
        actor=SYSTEM,
        county_code="620725",
        title="2027年第一季度专项督查",
        mode="special",
        started_on=dt.date(2027, 1, 5),
        inspectors="督查一组",
        committee_codes=[tree["A1a"]],
    )
    late = services.finding_record(
        actor=SYSTEM,
        committee_code=tree["A1a"],
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description='=HYPERLINK("x") 空白纸张盖章未登记',
        inspection_id=inspection.pk,
        deadline=dt.date(2027, 1, 10),
    )
    done = services.finding_record(
        actor=SYSTEM,
        committee_code=tree["A1b"],
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description="印章由个人带回家保管",
        deadline=dt.date(2027, 1, 20),
    )
    item = done.items.get()
    services.item_close(
        actor=SYSTEM,
        item_id=item.pk,
        evidence="已收回村委会保管柜并登记",
        follow_up_on=dt.date(2027, 3, 1),
    )
    return late.items.get(), item


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_items_workbook_lists_the_items_under_the_header_REQ_096(listed, clock_at):
    clock_at(2027, 1, 15, 9)  # the first item is now past its deadline
    rows = selectors.items(SYSTEM).order_by("deadline", "id")
    ws = _sheet(exports.items_workbook(rows, dt.date(2027, 1, 15)))

    assert "整改清单" in ws["A1"].value and "区划620725" in ws["A1"].value
    assert "2027-01-15" in ws["A2"].value and "逾期 1 项" in ws["A2"].value
    assert [c.value for c in ws[3]] == exports.COLUMNS
    first = [c.value for c in ws[4]]
    assert first[0] == 1 and first[1].startswith("测试")
    assert first[2].startswith("=HYPERLINK") and ws["C4"].data_type == "s"
    assert first[3].startswith("2027年第一季度专项督查／")
    assert first[4] == "2027-01-10" and first[5] == "整改中" and first[6] == 1
    assert first[10] == "是"
    second = [c.value for c in ws[5]]
    assert second[3].startswith("日常发现／") and second[5] == "已销号"
    assert second[7] == "已收回村委会保管柜并登记"
    assert second[8] == "2027-01-05" and second[9] == "2027-03-01"
    assert second[10] == "否"


def test_overdue_rows_are_marked(listed):
    late, closed = listed
    ws = _sheet(exports.items_workbook([late, closed], dt.date(2027, 1, 11)))
    assert ws["K4"].value == "是" and ws["K4"].font.b
    assert ws["A4"].fill.fgColor.rgb.endswith(exports.OVERDUE_FILL)
    assert ws["K5"].value == "否" and ws["A5"].fill.fill_type is None
    on_time = _sheet(exports.items_workbook([late], dt.date(2027, 1, 10)))
    assert on_time["K4"].value == "否"  # due today is not late


def test_items_workbook_prints_on_a4_landscape_with_the_header_repeated(listed):
    ws = _sheet(
        exports.items_workbook(listed, dt.date(2027, 1, 5), title="某县整改清单")
    )
    assert ws["A1"].value == "某县整改清单"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.print_options.gridLines and "&P" in ws.oddFooter.center.text
    assert ws["C4"].alignment.wrap_text and ws["C4"].border.left.style == "thin"
    assert ws.column_dimensions["C"].width == 40
    assert ws.freeze_panes == "A4"


def test_an_empty_list_still_has_its_title_and_header(db):
    ws = _sheet(exports.items_workbook([], dt.date(2027, 1, 5)))
    assert ws["A1"].value == "整改清单" and "共 0 项" in ws["A2"].value
    assert [c.value for c in ws[3]] == exports.COLUMNS and ws.max_row == 3
