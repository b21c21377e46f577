"""The dashboard's charts (REQ-103), each one a table first.

A `Chart` is a titled table (headings, rows, an optional total row) built from the
figures of `analysis.figures`; the same table is drawn by ECharts on the page (its
series named in `series`), printed beside the chart for those who cannot see it or who
print the page, and exported as CSV or xlsx. So what is drawn, read and downloaded never
differ. Pure: no database here.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from yinzheng.core.codes import Level

from .analysis import Figures

Cell = str | int | float | None


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # line, bar, hbar (horizontal bars), pie
    columns: list[str]
    rows: list[list[Cell]]
    series: tuple[int, ...] = (1,)  # the columns drawn, against column 0
    footer: list[Cell] | None = None  # the total row (tables and exports only)
    labels: list[str] | None = None  # category labels when column 0 is not enough
    percent: frozenset[int] = field(default_factory=frozenset)  # columns of shares
    wide: bool = False  # a table too wide to sit beside its chart: under it

    def display(self, row: Sequence[Cell]) -> list[str]:
        """A row as the page and the CSV show it: shares as per cent, gaps as —."""
        return [_shown(value, index in self.percent) for index, value in enumerate(row)]

    @property
    def display_rows(self) -> list[list[str]]:
        return [self.display(row) for row in self.rows]

    @property
    def display_footer(self) -> list[str] | None:
        return self.display(self.footer) if self.footer is not None else None

    def data(self) -> dict[str, Any]:
        """What dashboard.js draws (read from a json_script element)."""
        return {
            "title": self.title,
            "kind": self.kind,
            "categories": self.labels or [str(row[0]) for row in self.rows],
            "series": [
                {
                    "name": self.columns[index],
                    "data": [row[index] for row in self.rows],
                }
                for index in self.series
            ],
        }


def _shown(value: Cell, percent: bool) -> str:
    if value is None:
        return "—"
    if percent and isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def _units_heading(level: Level) -> str:
    return {
        Level.PROVINCE: _("省（自治区、直辖市）"),
        Level.PREFECTURE: _("市（地、州、盟）"),
        Level.COUNTY: _("县（市、区）"),
        Level.TOWNSHIP: _("乡镇（街道）"),
        Level.COMMITTEE: _("村（居）委会"),
    }.get(level, _("区划"))


def charts(figures: Figures) -> list[Chart]:
    """Every chart of the dashboard, in the order the page shows them."""
    cases, filters = figures.cases, figures.filters
    unit_heading = _units_heading(filters.unit_level)
    supervision = figures.supervision
    return [
        Chart(
            key="trend",
            title=_("受理、出具和不予出具趋势（按日）")
            if filters.by_day
            else _("受理、出具和不予出具趋势（按月）"),
            kind="line",
            columns=[
                _("日期") if filters.by_day else _("月份"),
                _("受理"),
                _("出具"),
                _("不予出具"),
            ],
            rows=[[p.label, p.total, p.issued, p.refused] for p in figures.trend],
            series=(1, 2, 3),
            footer=[
                _("合计"),
                sum(p.total for p in figures.trend),
                sum(p.issued for p in figures.trend),
                sum(p.refused for p in figures.trend),
            ],
        ),
        Chart(
            key="units",
            title=_("各%(units)s办理情况") % {"units": unit_heading},
            kind="bar",
            columns=[
                unit_heading,
                _("区划代码"),
                _("受理"),
                _("出具"),
                _("不予出具"),
                _("逾期"),
                _("当场办结率"),
            ],
            rows=[
                [
                    u.name,
                    u.code,
                    u.total,
                    u.issued,
                    u.refused,
                    u.overdue,
                    u.on_the_spot_rate,
                ]
                for u in figures.units
            ],
            series=(2, 3, 4, 5),
            footer=[
                _("合计"),
                filters.division_code,
                sum(u.total for u in figures.units),
                sum(u.issued for u in figures.units),
                sum(u.refused for u in figures.units),
                sum(u.overdue for u in figures.units),
                _rate(
                    sum(u.on_the_spot for u in figures.units),
                    sum(u.issued for u in figures.units),
                ),
            ],
            percent=frozenset({6}),
            wide=True,
        ),
        Chart(
            key="outcomes",
            title=_("办理结果"),
            kind="pie",
            columns=[_("办理结果"), _("件数")],
            rows=[[b.label, b.count] for b in cases.outcomes],
            footer=[_("合计"), cases.total],
        ),
        Chart(
            key="modes",
            title=_("办结方式"),
            kind="pie",
            columns=[_("办结方式"), _("件数")],
            rows=[[b.label, b.count] for b in cases.modes],
            footer=[_("合计"), cases.total],
        ),
        Chart(
            key="refusals",
            title=_("负面清单事项不予出具（前 %(n)s 项）")
            % {"n": len(figures.refusals)}
            if figures.refusals
            else _("负面清单事项不予出具"),
            kind="hbar",
            columns=[_("证明事项"), _("告知的办事途径"), _("办理部门"), _("件数")],
            rows=[[r.item, r.route, r.department, r.count] for r in figures.refusals],
            series=(3,),
            labels=[f"{r.item}（{r.department}）" for r in figures.refusals],
            footer=[_("负面清单事项不予出具合计"), "", "", cases.negative_refused],
            wide=True,
        ),
        Chart(
            key="overdue",
            title=_("逾期情况"),
            kind="hbar",
            columns=[_("类别"), _("件数")],
            rows=[
                [_("证明申请：办理中已超过办结期限"), cases.overdue_open],
                [_("证明申请：超过办结期限才办结"), cases.overdue_finished],
                [_("不合理证明要求投诉：当前环节逾期"), supervision.cases_overdue],
                [_("整改清单：逾期未销号"), supervision.items_overdue],
            ],
        ),
        Chart(
            key="items",
            title=_("证明事项（受理最多的 %(n)s 项）") % {"n": len(figures.items)}
            if figures.items
            else _("证明事项"),
            kind="hbar",
            columns=[
                _("证明事项"),
                _("受理"),
                _("出具"),
                _("其中除外情形出具"),
                _("不予出具"),
                _("告知承诺"),
            ],
            rows=[
                [i.name, i.total, i.issued, i.exception, i.refused, i.commitment]
                for i in figures.items
            ],
            series=(1, 2, 4),
            wide=True,
        ),
        Chart(
            key="seals",
            title=_("用印分类统计（已登记用印）"),
            kind="bar",
            columns=[_("类别"), _("类别名称"), _("次数")],
            rows=[[b.key, b.label, b.count] for b in figures.seal_uses],
            series=(2,),
            footer=[_("合计"), "", sum(b.count for b in figures.seal_uses)],
        ),
        Chart(
            key="supervision",
            title=_("不合理证明要求投诉及整改"),
            kind="hbar",
            columns=[_("类型"), _("状态"), _("件数")],
            rows=_supervision_rows(figures),
            series=(2,),
            labels=[f"{_('投诉')}：{b.label}" for b in supervision.cases]
            + [f"{_('整改')}：{b.label}" for b in supervision.items],
            footer=[
                _("合计"),
                _("投诉 %(cases)s 件，整改 %(items)s 项")
                % {"cases": supervision.cases_total, "items": supervision.items_total},
                supervision.cases_total + supervision.items_total,
            ],
        ),
    ]


def _supervision_rows(figures: Figures) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [_("投诉"), b.label, b.count] for b in figures.supervision.cases
    ]
    return rows + [[_("整改清单"), b.label, b.count] for b in figures.supervision.items]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# The charts' keys in page order, for ?export=<key> ("all": every one).
KEYS = (
    "trend",
    "units",
    "outcomes",
    "modes",
    "refusals",
    "overdue",
    "items",
    "seals",
    "supervision",
)
ALL = "all"


def selected(figures: Figures, key: str) -> list[Chart]:
    """The chart named `key`, or every chart for "all" (an unknown key: none)."""
    return [c for c in charts(figures) if key in (c.key, ALL)]


# Exports -----------------------------------------------------------------------------


def subtitle(figures: Figures) -> str:
    f = figures.filters
    return _("%(name)s（%(code)s） %(start)s 至 %(end)s（按受理时间）") % {
        "name": f.division_name,
        "code": f.division_code,
        "start": f.date_from.isoformat(),
        "end": f.date_to.isoformat(),
    }


_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run: text that would start a formula gets a
    leading apostrophe (item names are typed by people)."""
    return "'" + text if _FORMULA.match(text) else text


def to_csv(figures: Figures, selected: list[Chart]) -> bytes:
    """The charts' tables one after another (title, period, headings, rows, total), in
    UTF-8 with a byte-order mark so that Excel shows the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, chart in enumerate(selected):
        if number:
            writer.writerow([])
        writer.writerow([_safe(chart.title)])
        writer.writerow([_safe(subtitle(figures))])
        writer.writerow(chart.columns)
        for row in chart.display_rows:
            writer.writerow([_safe(value) for value in row])
        if chart.display_footer is not None:
            writer.writerow([_safe(value) for value in chart.display_footer])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _put(ws: Any, row: int, column: int, value: Cell, percent: bool = False) -> Any:
    """A cell: numbers as numbers, text as text (never a formula)."""
    if isinstance(value, int | float):
        cell = ws.cell(row=row, column=column, value=value)
        if percent:
            cell.number_format = "0.0%"
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", "—" if value is None else str(value))
    cell = ws.cell(row=row, column=column, value=text)
    cell.data_type = "s"
    return cell


def to_xlsx(figures: Figures, selected: list[Chart]) -> bytes:
    """One sheet per chart: title, period, headings, rows, the total row; numbers as
    numbers (shares formatted as per cent), text never a formula; A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    bold = Font(bold=True)
    for chart in selected:
        ws = wb.create_sheet(_SHEET_NAME.sub("", chart.title)[:31] or chart.key)
        width = len(chart.columns)
        last = get_column_letter(width)

        _put(ws, 1, 1, chart.title).font = Font(bold=True, size=14)
        ws.merge_cells(f"A1:{last}1")
        _put(ws, 2, 1, subtitle(figures)).alignment = Alignment(horizontal="left")
        ws.merge_cells(f"A2:{last}2")
        for column, heading in enumerate(chart.columns, start=1):
            _put(ws, 3, column, heading).font = bold
        body = chart.rows + ([chart.footer] if chart.footer is not None else [])
        for offset, row in enumerate(body, start=4):
            for column, value in enumerate(row, start=1):
                cell = _put(ws, offset, column, value, column - 1 in chart.percent)
                if chart.footer is not None and offset == 3 + len(body):
                    cell.font = bold
        for column in range(1, width + 1):
            ws.column_dimensions[get_column_letter(column)].width = (
                36 if column == 1 else 16
            )
        ws.freeze_panes = "A4"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_title_rows = "3:3"
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", subtitle(figures))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
