"""Statistics' reads: the tables a user may see, each unit's status against the
deadline (REQ-102), and the rows of one return or of the whole county (REQ-101)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department
from yinzheng.core.codes import Level
from yinzheng.divisions.models import Division

from .choices import ReturnStatus, UnitStatus
from .models import StatsTable, TableReturn, TableRow


def tables(viewer: Any) -> QuerySet[StatsTable]:
    """The tables of the counties in the viewer's scope, and of the county above a
    township's (the township fills its return in the county's table)."""
    where = policy.scope(viewer, "stats.view")
    return StatsTable.objects.filter(where.tree_q("county_id")).select_related("county")


@dataclass(frozen=True)
class UnitRow:
    name: str
    division_code: str
    department: str
    table_return: TableReturn | None
    rows: int
    status: str
    late: bool  # submitted after the deadline, or not submitted and the deadline passed

    @property
    def status_label(self) -> str:
        return str(UnitStatus(self.status).label)


def unit_statuses(table: StatsTable, today: dt.date) -> list[UnitRow]:
    """REQ-102: every township of the county and every reporting department, with its
    status: not started, draft, submitted, or late (the deadline passed unsubmitted)."""
    returns = {
        (r.division_id, r.department): r
        for r in TableReturn.objects.filter(table=table).annotate(n=Count("rows"))
    }
    townships = Division.objects.filter(
        parent_id=table.county_id, level=Level.TOWNSHIP
    ).order_by("code")
    units = [(t.code, "", t.name) for t in townships] + [
        (table.county_id, d, f"{table.county.name}{Department(d).label}")
        for d in table.departments
    ]
    found = []
    for code, department, name in units:
        ret = returns.get((code, department))
        submitted = ret is not None and ret.status == ReturnStatus.SUBMITTED
        past = today > table.deadline
        if submitted:
            assert ret is not None and ret.submitted_at is not None
            status = UnitStatus.SUBMITTED
            late = timezone.localdate(ret.submitted_at) > table.deadline
        elif past:
            status, late = UnitStatus.LATE, True
        else:
            status = UnitStatus.DRAFT if ret is not None else UnitStatus.NOT_STARTED
            late = False
        found.append(
            UnitRow(
                name=name,
                division_code=code,
                department=department,
                table_return=ret,
                rows=getattr(ret, "n", 0) if ret is not None else 0,
                status=status,
                late=late,
            )
        )
    return found


def rows_of(table_return: TableReturn) -> QuerySet[TableRow]:
    return table_return.rows.order_by("position", "id")


def consolidated_rows(table: StatsTable) -> list[TableRow]:
    """REQ-101: the county's table: every submitted return's rows, unit by unit (the
    export numbers them 1..n)."""
    return list(
        TableRow.objects.filter(
            table_return__table=table, table_return__status=ReturnStatus.SUBMITTED
        )
        .select_related("table_return")
        .order_by("table_return__division_id", "table_return__department", "position")
    )


def returns_to_fill(viewer: Any) -> list[tuple[StatsTable, str, str]]:
    """Open tables where one of the viewer's units has not submitted: (table, township
    code or "", department or "") — for the inbox and the user's page."""
    from yinzheng.accounts.choices import Role

    found = []
    grants = policy.grants_of(viewer)
    townships = {code for role, code, _d in grants if role == Role.TOWNSHIP}
    departments = {
        (code, d) for role, code, d in grants if role == Role.DEPARTMENT and d
    }
    county_codes = {c[:6] for c in townships} | {c for c, _d in departments}
    if not county_codes:
        return []
    submitted = set(
        TableReturn.objects.filter(
            status=ReturnStatus.SUBMITTED, table__county_id__in=county_codes
        ).values_list("table_id", "division_id", "department")
    )
    for table in StatsTable.objects.filter(county_id__in=county_codes):
        for code in sorted(townships):
            if code[:6] == table.county_id and (table.pk, code, "") not in submitted:
                found.append((table, code, ""))
        for code, dept in sorted(departments):
            if (
                code == table.county_id
                and dept in table.departments
                and (table.pk, code, dept) not in submitted
            ):
                found.append((table, "", dept))
    return found
