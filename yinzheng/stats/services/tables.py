"""The statistics table (REQ-100–102).

The county bureau opens a table with its deadline and the departments that report
(`table_create`). Each township, and each of those departments, opens its return
(`return_open`), adds, edits and removes rows (`row_add`, `row_update`, `row_delete`),
and submits it (`return_submit`); a submitted return is the unit's answer and changes
no more. A township's return is its township officers' to fill; a department's, its own
officers' (the department on their grant) — the policy's scope alone would let any
grant inside the county write any unit's return.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department, Role
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import ReturnStatus
from ..errors import StatsCode
from ..models import StatsTable, TableReturn, TableRow
from ..models.tables import TITLE

MANAGE, FILL = "stats.table_manage", "stats.fill"
# The county's departments that report unless the bureau names others (REQ-100).
DEFAULT_DEPARTMENTS = [d for d in Department.values if d != Department.OTHER]
ROW_FIELDS = ("item_name", "basis", "implementing_unit", "competent_department", "note")
ROW_LIMITS = {
    "item_name": 200,
    "basis": 2000,
    "implementing_unit": 200,
    "competent_department": 200,
    "note": 500,
}


@transaction.atomic
def table_create(
    *,
    actor: Actor,
    county_code: str,
    deadline: dt.date,
    departments: list[str] | None = None,
    note: str = "",
    title: str = TITLE,
) -> StatsTable:
    """REQ-102: the bureau opens the table with its deadline (2020-12-30 in 001)."""
    county = Division.objects.filter(code=county_code, level=Level.COUNTY).first()
    if county is None:
        raise NotFound(_("县（市、区）不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, MANAGE, county)
    chosen = DEFAULT_DEPARTMENTS if departments is None else list(departments)
    unknown = sorted(set(chosen) - set(Department.values))
    if unknown:
        raise InvalidInput(
            _("未知的部门：%s") % "、".join(unknown),
            code=CoreCode.DEPARTMENT_REQUIRED,
            detail={"unknown": unknown},
        )
    table = StatsTable.objects.create(
        county=county,
        title=required_text(title, _("表名"), CoreCode.INVALID_INPUT, 100),
        deadline=deadline,
        departments=sorted(set(chosen)),
        note=optional_text(note, _("填报说明"), CoreCode.TEXT_TOO_LONG, 2000),
        created_by=person(actor),
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="stats.table_created",
        subject=table,
        after={"deadline": deadline.isoformat(), "departments": table.departments},
    )
    return table


def speaks_for(actor: Any, division: Division, department: str) -> bool:
    """Is the user one of the unit's own officers (or an admin there)? A township's
    return is its township officers' to fill; a department's, that department's."""
    if not policy.can(actor, FILL, division):
        return False
    if policy.acts_everywhere(actor) or Role.ADMIN in policy.roles_at(actor, division):
        return True
    if department:
        return department in policy.departments_at(actor, division)
    return Role.TOWNSHIP in policy.roles_at(actor, division)


def _require_unit(actor: Actor, division: Division, department: str) -> None:
    if not speaks_for(actor, division, department):
        raise NotAllowed(detail={"action": FILL, "unit": department or division.code})


@transaction.atomic
def return_open(
    *,
    actor: Actor,
    table_id: int,
    township_code: str | None = None,
    department: str = "",
) -> TableReturn:
    """The unit's return, started now if it has none (REQ-100)."""
    table = StatsTable.objects.select_for_update().filter(pk=table_id).first()
    if table is None:
        raise NotFound(_("统计表不存在"), code=StatsCode.TABLE_NOT_FOUND)
    if bool(township_code) == bool(department):
        raise InvalidInput(
            _("请指定一个填报单位：乡镇（街道）或部门"), code=StatsCode.UNIT_INVALID
        )
    if department:
        if department not in table.departments:
            raise InvalidInput(
                _("该部门不在本表的填报单位之列"), code=StatsCode.UNIT_INVALID
            )
        division = table.county
        name = f"{table.county.name}{Department(department).label}"
    else:
        found = Division.objects.filter(
            code=township_code or "", level=Level.TOWNSHIP, parent_id=table.county_id
        ).first()
        if found is None:
            raise InvalidInput(
                _("该乡镇（街道）不属于本县（市、区）"), code=StatsCode.UNIT_INVALID
            )
        division, name = found, found.name
    _require_unit(actor, division, department)
    existing = TableReturn.objects.filter(
        table=table, division=division, department=department
    ).first()
    if existing is not None:
        return existing
    ret = TableReturn.objects.create(
        table=table,
        division=division,
        department=department,
        unit_name=str(name),
        started_by=person(actor),
        started_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="stats.return_started",
        subject=ret,
        after={"unit": ret.unit_name},
    )
    return ret


def _lock_draft(return_id: int, actor: Actor) -> TableReturn:
    ret = (
        TableReturn.objects.select_for_update(of=("self",), no_key=True)
        .select_related("division")
        .filter(pk=return_id)
        .first()
    )
    if ret is None:
        raise NotFound(_("填报记录不存在"), code=StatsCode.RETURN_NOT_FOUND)
    _require_unit(actor, ret.division, ret.department)
    if ret.status != ReturnStatus.DRAFT:
        raise Conflict(_("已报送，不能再修改"), code=StatsCode.RETURN_SUBMITTED)
    return ret


def _clean_row(values: dict[str, Any]) -> dict[str, str]:
    labels = {
        "item_name": _("证明事项名称"),
        "basis": _("法律法规、政策依据"),
        "implementing_unit": _("实施单位"),
        "competent_department": _("主管部门"),
        "note": _("备注"),
    }
    unknown = sorted(set(values) - set(ROW_FIELDS))
    if unknown:
        raise InvalidInput(
            _("未知的栏目：%s") % "、".join(unknown), code=CoreCode.INVALID_INPUT
        )
    cleaned = {}
    for name in ROW_FIELDS:
        value = str(values.get(name) or "")
        check = optional_text if name == "note" else required_text
        cleaned[name] = check(
            value, labels[name], CoreCode.INVALID_INPUT, ROW_LIMITS[name]
        )
    return cleaned


@transaction.atomic
def row_add(*, actor: Actor, return_id: int, values: dict[str, Any]) -> TableRow:
    """REQ-100: one row, in the official columns; 序号 follows the last row."""
    ret = _lock_draft(return_id, actor)
    last = ret.rows.order_by("-position").values_list("position", flat=True).first()
    row = TableRow.objects.create(
        table_return=ret, position=(last or 0) + 1, **_clean_row(values)
    )
    audit.record(
        actor=actor,
        event="stats.row_added",
        subject=ret,
        after={"row": row.pk, "item_name": row.item_name},
    )
    return row


def _lock_row(row_id: int, actor: Actor) -> TableRow:
    row = TableRow.objects.filter(pk=row_id).first()
    if row is None:
        raise NotFound(_("该行不存在"), code=StatsCode.ROW_NOT_FOUND)
    _lock_draft(row.table_return_id, actor)
    return row


@transaction.atomic
def row_update(*, actor: Actor, row_id: int, values: dict[str, Any]) -> TableRow:
    row = _lock_row(row_id, actor)
    before = {f: getattr(row, f) for f in ROW_FIELDS}
    for name, value in _clean_row({**before, **values}).items():
        setattr(row, name, value)
    row.save()
    audit.record(
        actor=actor,
        event="stats.row_updated",
        subject=row.table_return,
        before=before,
        after={f: getattr(row, f) for f in ROW_FIELDS},
    )
    return row


@transaction.atomic
def row_delete(*, actor: Actor, row_id: int) -> TableReturn:
    """Remove a row; the rows after it move up, so 序号 stays 1..n."""
    row = _lock_row(row_id, actor)
    ret = row.table_return
    removed = {f: getattr(row, f) for f in ROW_FIELDS}
    row.delete()
    for position, remaining in enumerate(ret.rows.order_by("position", "id"), 1):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])
    audit.record(actor=actor, event="stats.row_deleted", subject=ret, before=removed)
    return ret


@transaction.atomic
def return_submit(*, actor: Actor, return_id: int) -> TableReturn:
    """REQ-102: the unit reports its table to the bureau; late if after the deadline."""
    ret = _lock_draft(return_id, actor)
    if not ret.rows.exists():
        raise InvalidInput(
            _("统计表至少要有一行；本单位没有此类证明的，请在备注中说明后填一行"),
            code=StatsCode.RETURN_EMPTY,
        )
    ret.status = ReturnStatus.SUBMITTED
    ret.submitted_by, ret.submitted_at = person(actor), clock.now()
    ret.save(update_fields=["status", "submitted_by", "submitted_at"])
    audit.record(
        actor=actor,
        event="stats.return_submitted",
        subject=ret,
        after={
            "rows": ret.rows.count(),
            "late": ret.submitted_at.date() > ret.table.deadline,
        },
    )
    return ret
