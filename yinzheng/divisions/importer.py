"""Import of the national statistical division codes (REQ-001).

Reads the five CSVs of the 2023 dataset (provinces, cities, areas, streets, villages),
checks every row first, then writes everything in one transaction: a malformed row names
its file and line and nothing is written. Re-importing updates names and parents and
never duplicates (the code is the key); rows that did not change are not written again.
A committee's status (merged, abolished) is the system's own record and is kept.

The whole country is some 665,000 rows and must load in well under a minute, so the
write bypasses model instances: PostgreSQL receives the changed rows by COPY into a
temporary table and merges them with one INSERT … ON CONFLICT per batch; SQLite runs the
same upsert as a prepared statement over each batch. Both upserts name only the columns
the files own, never the status columns.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import connection, transaction
from django.utils.translation import gettext as _

from yinzheng.core.errors import InvalidInput

from .choices import CODE_LENGTH, COUNTRY_CODE, CommitteeKind, CommitteeStatus, Level
from .models import Division, ancestor_codes, kind_from_name

# (file, level, column holding the parent code)
FILES: list[tuple[str, Level, str | None]] = [
    ("provinces.csv", Level.PROVINCE, None),
    ("cities.csv", Level.PREFECTURE, "provinceCode"),
    ("areas.csv", Level.COUNTY, "cityCode"),
    ("streets.csv", Level.TOWNSHIP, "areaCode"),
    ("villages.csv", Level.COMMITTEE, "streetCode"),
]
COUNTRY_NAME = "中华人民共和国"
BATCH = 20000
NAME_MAX = 100
KINDS = frozenset(CommitteeKind.values)
# The columns the files own; status, merged_into and the rest belong to the system.
COLUMNS = ("code", "name", "level", "parent_id", "kind")
STAGING_TABLE = "yinzheng_division_import"


class DivisionFileError(InvalidInput):
    code = "division_file_invalid"


class Row(NamedTuple):
    code: str
    name: str
    level: int
    parent: str
    kind: str


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_level: dict[int, int] = field(default_factory=dict)


def _error(path: Path, line: int, message: str) -> DivisionFileError:
    text = _("%(file)s 第 %(line)d 行：%(message)s") % {
        "file": path.name,
        "line": line,
        "message": message,
    }
    return DivisionFileError(text, detail={"file": path.name, "line": line})


def read_rows(directory: Path, under: list[str] | None = None) -> list[Row]:
    """Every row of the five files, checked, top level first."""
    under_codes = tuple(u.strip() for u in (under or []) if u.strip())
    above = {a for u in under_codes for a in ancestor_codes(u)} | set(under_codes)
    rows: list[Row] = []
    known: set[str] = set(
        Division.objects.filter(level__lt=Level.COMMITTEE).values_list(
            "code", flat=True
        )
    )
    for filename, level, parent_column in FILES:
        path = directory / filename
        if not path.is_file():
            raise DivisionFileError(
                _("缺少文件 %(file)s") % {"file": path}, detail={"file": filename}
            )
        length = CODE_LENGTH[level]
        parent_length = CODE_LENGTH[Level(level - 1)] if parent_column else 0
        is_committee = level == Level.COMMITTEE
        level_value = int(level)
        seen: set[str] = set()
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [column.strip() for column in next(reader, None) or []]
            needed = {"code", "name"} | ({parent_column} if parent_column else set())
            missing = needed - set(header)
            if missing:
                raise _error(path, 1, _("缺少列 %s") % ", ".join(sorted(missing)))
            width = len(header)
            at_code = header.index("code")
            at_name = header.index("name")
            at_parent = header.index(parent_column) if parent_column else None
            at_kind = header.index("kind") if "kind" in header else None
            for record in reader:
                if not record:
                    continue  # a blank line, as csv.DictReader skips it
                line = reader.line_num
                if len(record) < width:
                    record += [""] * (width - len(record))
                code = record[at_code].strip()
                if len(code) != length or not code.isdigit():
                    raise _error(
                        path,
                        line,
                        _("代码“%(code)s”应为 %(n)d 位数字")
                        % {"code": code, "n": length},
                    )
                if (
                    under_codes
                    and code not in above
                    and not code.startswith(under_codes)
                ):
                    continue
                name = record[at_name].strip()
                if not name:
                    raise _error(path, line, _("名称为空"))
                if len(name) > NAME_MAX:
                    raise _error(path, line, _("名称超过 100 个字符"))
                if code in seen:
                    raise _error(path, line, _("代码 %s 重复") % code)
                if at_parent is None:
                    parent = COUNTRY_CODE
                else:
                    parent = record[at_parent].strip()
                    if len(parent) != parent_length or not code.startswith(parent):
                        raise _error(
                            path,
                            line,
                            _("上级代码“%(p)s”与代码“%(c)s”不符")
                            % {"p": parent, "c": code},
                        )
                    if parent not in known:
                        raise _error(path, line, _("上级代码 %s 不存在") % parent)
                kind = ""
                if is_committee:
                    if at_kind is not None:
                        kind = record[at_kind].strip()
                    kind = kind or kind_from_name(name)
                    if kind not in KINDS:
                        raise _error(path, line, _("类型“%s”无效") % kind)
                seen.add(code)
                rows.append(Row(code, name, level_value, parent, kind))
        known |= seen
    return rows


def import_divisions(
    *,
    directory: Path,
    under: list[str] | None = None,
    progress: Callable[[int], Iterable] | None = None,
) -> ImportResult:
    rows = read_rows(Path(directory), under)
    result = ImportResult(read=len(rows))
    with transaction.atomic():
        Division.objects.get_or_create(
            code=COUNTRY_CODE,
            defaults={"name": COUNTRY_NAME, "level": Level.COUNTRY},
        )
        existing = _existing()
        changed: list[Row] = []
        per_level = result.per_level
        for row in rows:
            old = existing.get(row.code)
            if old == row:
                result.unchanged += 1
                continue
            if old is None:
                result.created += 1
            else:
                result.updated += 1
            per_level[row.level] = per_level.get(row.level, 0) + 1
            changed.append(row)
        del existing
        bar = progress(len(changed)) if progress else None
        write = (
            _write_postgresql if connection.vendor == "postgresql" else _write_upsert
        )
        for start in range(0, len(changed), BATCH):
            batch = changed[start : start + BATCH]
            write(batch)
            if bar is not None:
                bar.update(len(batch))
        if connection.vendor == "postgresql" and changed:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {STAGING_TABLE}")
        if bar is not None:
            bar.close()
    return result


def _existing() -> dict[str, tuple[str, str, int, str | None, str]]:
    """The stored file-owned columns of every division, keyed by code."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {qn(Division._meta.db_table)}")
        return {record[0]: tuple(record) for record in cursor.fetchall()}


def _upsert_sql(source: str) -> str:
    """INSERT … ON CONFLICT that leaves the status columns of existing rows alone.

    PostgreSQL and SQLite (3.24+) share this syntax; `source` is VALUES or a SELECT
    giving the file-owned columns, then status and status_reference.
    """
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in (*COLUMNS, "status", "status_reference"))
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in COLUMNS[1:])
    return (
        f"INSERT INTO {qn(Division._meta.db_table)} ({columns}) {source} "
        f"ON CONFLICT ({qn('code')}) DO UPDATE SET {updates}"
    )


def _write_upsert(batch: list[Row]) -> None:
    sql = _upsert_sql(f"VALUES ({', '.join(['%s'] * (len(COLUMNS) + 2))})")
    extra = (CommitteeStatus.ACTIVE.value, "")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, *extra) for row in batch])


def _write_postgresql(batch: list[Row]) -> None:
    """COPY the batch into a temporary table, then merge it with one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING_TABLE} ("
            "code varchar(12) NOT NULL, name varchar(100) NOT NULL, "
            "level smallint NOT NULL, parent_id varchar(12), kind varchar(16) NOT NULL"
            ") ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {STAGING_TABLE}")
        with cursor.copy(
            f"COPY {STAGING_TABLE} ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in batch:
                copy.write_row(row)
        cursor.execute(
            _upsert_sql(f"SELECT {', '.join(COLUMNS)}, %s, '' FROM {STAGING_TABLE}"),
            [CommitteeStatus.ACTIVE.value],
        )
