"""The statistics table as a file (REQ-101): 《应由基层群众性自治组织出具证明事项统计表》.

The official layout (附件2 of the Sunan document): the title, one line with 填报单位（盖章）
on the left and 时间 on the right, then exactly six columns —
序号 | 证明事项名称 | 法律法规、政策依据 | 实施单位 | 主管部门 | 备注.
序号 runs 1..n over the rows given, whatever their stored positions (a county's
consolidated table joins many units' returns).

Pure renderings of rows already read (and scoped) by the caller: the staff pages and
`yinzheng stats export-table` both call `table_xlsx` / `table_pdf`. The xlsx is laid
out to print on A4 landscape (fitted to the width, the header repeated on every page);
its cells are always text, never a formula. The PDF uses the project's CJK font
(yinzheng.core.pdf) and ReportLab's invariant mode: the same input gives the same bytes.
"""

import datetime
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import TableRow

COLUMNS = [
    "序号",
    "证明事项名称",
    "法律法规、政策依据",
    "实施单位",
    "主管部门",
    "备注",
]
UNIT_LABEL = "填报单位（盖章）："
DATE_LABEL = "时间："
XLSX_WIDTHS = [6, 30, 50, 22, 22, 20]
PDF_SHARES = [5, 20, 33, 14, 14, 14]  # per cent of the text width
HEADER_ROW = 3  # title, the unit/date line, then the column headings
FONT_NAME = "宋体"  # SimSun: shows Chinese in Excel and WPS


def chinese_date(date: datetime.date) -> str:
    """2020-12-30 → 2020年12月30日, as on the official form."""
    return f"{date.year}年{date.month}月{date.day}日"


def _clean(value: str) -> str:
    """Text a workbook (and a PDF paragraph) can hold: control characters dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")


def table_lines(rows: Iterable[TableRow]) -> list[list[str]]:
    """The body under COLUMNS, 序号 renumbered 1..n."""
    return [
        [
            str(number),
            _clean(row.item_name),
            _clean(row.basis),
            _clean(row.implementing_unit),
            _clean(row.competent_department),
            _clean(row.note),
        ]
        for number, row in enumerate(rows, start=1)
    ]


def table_xlsx(
    *, title: str, unit: str, date: datetime.date, rows: list[TableRow]
) -> bytes:
    """The table as an xlsx workbook, ready to print."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    title, unit = _clean(title), _clean(unit)
    lines = table_lines(rows)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet, a worksheet
    ws.title = "统计表"
    last = get_column_letter(len(COLUMNS))

    def text(row: int, column: int, value: str):
        cell = ws.cell(row=row, column=column, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    cell = text(1, 1, title)
    ws.merge_cells(f"A1:{last}1")
    cell.font = Font(name=FONT_NAME, bold=True, size=18)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36

    # 填报单位 over the first three columns, 时间 over the last three.
    cell = text(2, 1, f"{UNIT_LABEL}{unit}")
    ws.merge_cells("A2:C2")
    cell.font = Font(name=FONT_NAME, size=12)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    cell = text(2, 4, f"{DATE_LABEL}{chinese_date(date)}")
    ws.merge_cells(f"D2:{last}2")
    cell.font = Font(name=FONT_NAME, size=12)
    cell.alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[2].height = 22

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, heading in enumerate(COLUMNS, start=1):
        cell = text(HEADER_ROW, column, heading)
        cell.font = Font(name=FONT_NAME, bold=True, size=12)
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
        cell.border = border
    ws.row_dimensions[HEADER_ROW].height = 30

    body_font = Font(name=FONT_NAME, size=11)
    for offset, line in enumerate(lines, start=1):
        r = HEADER_ROW + offset
        number = ws.cell(row=r, column=1, value=offset)  # 序号: a number, 1..n
        number.font = body_font
        number.alignment = Alignment(horizontal="center", vertical="top")
        number.border = border
        for column, value in enumerate(line[1:], start=2):
            cell = text(r, column, value)
            cell.font = body_font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border

    for index, width in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"

    # Printed on A4 landscape, as wide as the page, the headings on every page.
    ws.print_area = f"A1:{last}{max(ws.max_row, HEADER_ROW)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    footer = ws.oddFooter
    if footer is not None:  # always, on a new sheet
        footer.center.text = "第 &P 页，共 &N 页"

    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _markup(value: str) -> str:
    """A cell as Paragraph markup: the text itself ("<" and "&" included), lines kept."""
    return "<br/>".join(escape(part) for part in value.splitlines())


def table_pdf(
    *,
    title: str,
    unit: str,
    date: datetime.date,
    rows: list[TableRow],
    made_at: datetime.datetime | None = None,
) -> bytes:
    """The table as an A4 landscape PDF, dated `made_at` in its metadata (issue 16);
    the same input gives the same bytes."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from yinzheng.core.pdf import cjk_font, date_pdf

    font = cjk_font()
    title, unit = _clean(title), _clean(unit)
    title_style = ParagraphStyle(
        "title",
        fontName=font,
        fontSize=18,
        leading=24,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    line_style = ParagraphStyle(
        "line", fontName=font, fontSize=11, leading=14, wordWrap="CJK"
    )
    right_style = ParagraphStyle("right", parent=line_style, alignment=TA_RIGHT)
    head_style = ParagraphStyle(
        "head",
        fontName=font,
        fontSize=10.5,
        leading=13,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    cell_style = ParagraphStyle(
        "cell", fontName=font, fontSize=9.5, leading=12, wordWrap="CJK"
    )
    number_style = ParagraphStyle("number", parent=cell_style, alignment=TA_CENTER)

    buf = io.BytesIO()
    margin = 15 * mm
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=unit,
        creator="yinzheng 印证",
        invariant=1,
    )
    width = doc.width
    widths = [width * share / 100 for share in PDF_SHARES]

    header = Table(
        [
            [
                Paragraph(escape(f"{UNIT_LABEL}{unit}"), line_style),
                Paragraph(escape(f"{DATE_LABEL}{chinese_date(date)}"), right_style),
            ]
        ],
        colWidths=[width * 0.6, width * 0.4],
    )
    header.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )

    head = [Paragraph(escape(h), head_style) for h in COLUMNS]
    body = [
        [Paragraph(line[0], number_style)]
        + [Paragraph(_markup(value), cell_style) for value in line[1:]]
        for line in table_lines(rows)
    ]
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, 0), 5),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
            ]
        )
    )

    doc.build(
        [
            Paragraph(escape(title), title_style),
            Spacer(1, 4 * mm),
            header,
            Spacer(1, 2 * mm),
            table,
        ],
        onFirstPage=lambda canvas, _doc: date_pdf(canvas, made_at),
    )
    return buf.getvalue()
