"""The rectification list as a table (整改清单, REQ-096: "the list exports as a table").

A pure rendering of items already read (and scoped) by the caller: the staff page and
`yinzheng supervision export-items` both call `items_workbook`, so the printed list is
the same wherever it comes from. The sheet is laid out to be printed and filed: a title
with the counties and the date, the header repeated on every A4 landscape page, fitted
to the page width, text wrapped, thin borders, and the overdue items (open past their
deadline) shaded and marked 是 in the last column. Cells are always text, never a
formula, whatever the text starts with.
"""

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from yinzheng.divisions.models import Division

from .models import RectificationItem

TITLE = "整改清单"
COLUMNS = [
    "序号",
    "责任单位",
    "问题",
    "来源（督查/发现）",
    "整改时限",
    "状态",
    "轮次",
    "整改完成情况",
    "销号日期",
    "回头看日期",
    "是否逾期",
]
WIDTHS = [6, 18, 40, 26, 12, 10, 6, 36, 12, 12, 8]
HEADER_ROW = 3  # title, date line, then the header
OVERDUE_FILL = "FFE0E0"


def is_overdue(item: RectificationItem, today: dt.date) -> bool:
    """REQ-096: an open item past its deadline."""
    return item.overdue_on(today)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _source(item: RectificationItem) -> str:
    finding = item.finding
    inspection = finding.inspection
    source = inspection.title if inspection is not None else "日常发现"
    return f"{source}／{finding.committee.name}"


def row(number: int, item: RectificationItem, today: dt.date) -> list[Any]:
    """One line of the table, under COLUMNS (characters a workbook cannot hold, from
    rows written before the services refused them, left out)."""
    cells = [
        number,
        item.responsible_unit,
        item.problem,
        _source(item),
        _date(item.deadline),
        str(item.get_status_display()),
        item.round,
        item.evidence,
        _date(item.closed_on),
        _date(item.follow_up_on),
        "是" if item.overdue_on(today) else "否",
    ]
    return [
        ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells
    ]


def _title(items: list[RectificationItem]) -> str:
    codes = sorted({item.county_id for item in items})
    names = list(
        Division.objects.filter(code__in=codes)
        .order_by("code")
        .values_list("name", flat=True)
    )
    where = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    return f"{where}{TITLE}" if where else TITLE


def items_workbook(
    rows: Iterable[RectificationItem], today: dt.date, *, title: str | None = None
) -> bytes:
    """The rectification list as an xlsx workbook, ready to print."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    items = list(rows)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet, a worksheet
    ws.title = TITLE
    last = get_column_letter(len(COLUMNS))
    heading = title or _title(items)
    overdue = sum(is_overdue(item, today) for item in items)

    ws.append([heading])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([f"截至 {today.isoformat()}，共 {len(items)} 项，其中逾期 {overdue} 项"])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="right")

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append(COLUMNS)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(
            wrap_text=True, horizontal="center", vertical="center"
        )
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.border = border

    shade = PatternFill("solid", fgColor=OVERDUE_FILL)
    for number, item in enumerate(items, start=1):
        late = is_overdue(item, today)
        ws.append(row(number, item, today))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.alignment = wrap
            cell.border = border
            if late:
                cell.fill = shade
        if late:
            ws.cell(row=ws.max_row, column=len(COLUMNS)).font = Font(
                bold=True, color="C00000"
            )

    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if items:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{ws.max_row}"

    # Printed on A4 landscape, as wide as the page, the header on every page.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    footer = ws.oddFooter
    if footer is not None:  # always, on a new sheet
        footer.center.text = "第 &P 页，共 &N 页"

    wb.properties.title = heading
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(today: dt.date, under: str = "") -> str:
    """ASCII file name with the area and the date."""
    area = f"-{under}" if under else ""
    return f"rectification-items{area}-{today.isoformat()}.xlsx"
