"""The statistics table as a file (REQ-101): one unit's return, or the county's
consolidated table of every submitted return, of the county's latest table — what
`yinzheng stats export-table` writes, at once or, with --enqueue, through a worker
(stats.tasks.export_table). Bad input is a DomainError in words."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts.choices import Department
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode, InvalidInput, NotFound
from yinzheng.divisions.models import Division

from . import exports, selectors
from .choices import ReturnStatus
from .errors import StatsCode
from .models import StatsTable, TableReturn, TableRow

FORMATS = {"xlsx": exports.table_xlsx, "pdf": exports.table_pdf}


@dataclass(frozen=True)
class TableFile:
    content: bytes
    unit: str  # 填报单位, as printed on the table
    rows: int


def department_of(text: str) -> str | None:
    """A department by its value (public_security) or its label (公安)."""
    for value, label in Department.choices:
        if text in (value, str(label)):
            return str(value)
    return None


def check_format(fmt: str) -> str:
    found = (fmt or "").strip().lower()
    if found not in FORMATS:
        raise InvalidInput(
            _("不支持的格式：%(fmt)s（可选：xlsx、pdf）") % {"fmt": fmt},
            code=StatsCode.EXPORT_INVALID,
        )
    return found


def _return(table: StatsTable, county: Division, unit: str) -> TableReturn:
    department = department_of(unit)
    if department is not None:
        if department not in table.departments:
            raise InvalidInput(
                _("部门“%(unit)s”不在本统计表的填报单位之列") % {"unit": unit},
                code=StatsCode.UNIT_INVALID,
            )
        found = TableReturn.objects.filter(
            table=table, division=county, department=department
        ).first()
        label = f"{county.name}{Department(department).label}"
    else:
        township = Division.objects.filter(
            code=unit, level=Level.TOWNSHIP, parent=county
        ).first()
        if township is None:
            raise InvalidInput(
                _(
                    "未知的填报单位：%(unit)s（应为%(county)s的乡镇（街道）代码，"
                    "或部门：%(departments)s）"
                )
                % {
                    "unit": unit,
                    "county": county.name,
                    "departments": "、".join(str(v) for v in Department.values),
                },
                code=StatsCode.UNIT_INVALID,
            )
        found = TableReturn.objects.filter(
            table=table, division=township, department=""
        ).first()
        label = township.name
    if found is None:
        raise NotFound(
            _("%(unit)s尚未填报统计表") % {"unit": label},
            code=StatsCode.RETURN_NOT_FOUND,
        )
    return found


@dataclass(frozen=True)
class TableSource:
    title: str
    unit: str
    date: dt.date
    rows: list[TableRow]


def table_file(*, county_code: str, unit: str | None, fmt: str) -> TableFile:
    """The county's latest table as xlsx or PDF: the return of `unit` (a township
    code or a department), or without it the county's consolidated table."""
    fmt = check_format(fmt)
    source = table_source(county_code=county_code, unit=unit)
    made = {"made_at": clock.now()} if fmt == "pdf" else {}  # the PDF's date
    content = FORMATS[fmt](
        title=source.title,
        unit=source.unit,
        date=source.date,
        rows=source.rows,
        **made,
    )
    return TableFile(content=content, unit=source.unit, rows=len(source.rows))


def table_source(*, county_code: str, unit: str | None) -> TableSource:
    """What the file shows, read and checked (a command checks this before it
    queues the file)."""
    code = (county_code or "").strip()
    county = Division.objects.filter(code=code, level=Level.COUNTY).first()
    if county is None:
        raise NotFound(
            _("没有这个县（市、区）：%(code)s") % {"code": code},
            code=CoreCode.DIVISION_NOT_FOUND,
        )
    table = (
        StatsTable.objects.filter(county=county).order_by("-created_at", "-id").first()
    )
    if table is None:
        raise NotFound(
            _("%(name)s（%(code)s）还没有发布统计表")
            % {"name": county.name, "code": county.code},
            code=StatsCode.TABLE_NOT_FOUND,
        )
    rows: list[TableRow]
    date: dt.date
    if unit and unit.strip():
        found = _return(table, county, unit.strip())
        rows = list(selectors.rows_of(found))
        label = found.unit_name
        if found.status == ReturnStatus.SUBMITTED and found.submitted_at is not None:
            date = timezone.localdate(found.submitted_at)
        else:
            date = clock.today()
    else:
        rows = selectors.consolidated_rows(table)
        label = f"{county.name}民政局（汇总）"
        date = clock.today()
    return TableSource(title=table.title, unit=label, date=date, rows=rows)
