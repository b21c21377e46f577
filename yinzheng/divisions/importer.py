"""Import of the national statistical division codes (REQ-001).

Reads the five CSVs of the 2023 dataset (provinces, cities, areas, streets, villages),
checks every row first, then writes everything in one transaction: a malformed row names
its file and line and nothing is written. Re-importing updates names and parents and
never duplicates (the code is the key); rows that did not change are not written again.
A committee's status (merged, abolished) is the system's own record and is kept.

The whole country is some 665,000 rows and must load in well under a minute, so the
write bypasses model instances and works in batches: on PostgreSQL new rows go into the
table by COPY, changed rows by COPY into a temporary table and one UPDATE … FROM; on
SQLite both run as prepared statements. Rows are compared with what is stored first;
an update writes only the file-owned columns that changed, never status or merged_into.
"""

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts.policy import Actor
from yinzheng.core.codes import CODE_LENGTH, COUNTRY_CODE, Level, ancestor_codes
from yinzheng.core.errors import InvalidInput
from yinzheng.ledger import audit

from .choices import CommitteeKind, CommitteeStatus
from .errors import DivisionCode
from .models import Division, kind_from_name
from .services import ensure_country_root

# (file, level, column holding the parent code)
FILES: list[tuple[str, Level, str | None]] = [
    ("provinces.csv", Level.PROVINCE, None),
    ("cities.csv", Level.PREFECTURE, "provinceCode"),
    ("areas.csv", Level.COUNTY, "cityCode"),
    ("streets.csv", Level.TOWNSHIP, "areaCode"),
    ("villages.csv", Level.COMMITTEE, "streetCode"),
]
BATCH = 20000
NAME_MAX = 100  # Division.name's max_length
KINDS = frozenset(CommitteeKind.values)
# The columns the files own; status, merged_into and the rest belong to the system.
COLUMNS = ("code", "name", "level", "parent_id", "kind")
NEW_ROW_STATUS = (CommitteeStatus.ACTIVE.value, "")  # status, status_reference
SQLITE_CACHE_KIB = -512_000  # negative: KiB rather than pages
STAGING_TABLE = "yinzheng_division_import"


class DivisionFileError(InvalidInput):
    code = DivisionCode.DIVISION_FILE_INVALID


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
    for code in under_codes:
        if not code.isdigit() or len(code) not in CODE_LENGTH.values():
            raise InvalidInput(
                _("区划 %s 不存在") % code,
                code=DivisionCode.DIVISION_CODE_INVALID,
                detail={"under": code},
            )
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
    progress: Callable[[int], Any] | None = None,
    actor: Actor,
) -> ImportResult:
    """Import the five files in `directory`; with `under`, only those subtrees and
    their ancestors. `progress(total)` may return a bar with update(n) and close().
    The import is recorded in the national audit trail with its counts."""
    rows = read_rows(Path(directory), under)
    result = ImportResult(read=len(rows))
    with transaction.atomic(), _bulk_session():
        ensure_country_root()
        existing = _existing()
        new: list[Row] = []
        # Changed rows grouped by which columns changed: a renamed committee then
        # rewrites its name only, not its parent reference and index entries.
        changed: dict[tuple[str, ...], list[Row]] = {}
        per_level = result.per_level
        for row in rows:
            old = existing.get(row.code)
            if old == row:
                continue
            if old is None:
                new.append(row)
            else:
                columns = tuple(
                    c
                    for c, was, now in zip(COLUMNS, old, row, strict=True)
                    if was != now
                )
                changed.setdefault(columns, []).append(row)
            per_level[row.level] = per_level.get(row.level, 0) + 1
        del existing
        result.created = len(new)
        result.updated = sum(len(group) for group in changed.values())
        result.unchanged = result.read - result.created - result.updated
        postgresql = connection.vendor == "postgresql"
        insert = _insert_postgresql if postgresql else _insert
        update = _update_postgresql if postgresql else _update
        writes = [(insert, new)] + [
            (partial(update, columns=columns), group)
            for columns, group in changed.items()
        ]
        bar = progress(result.created + result.updated) if progress else None
        try:
            for write, todo in writes:
                for start in range(0, len(todo), BATCH):
                    batch = todo[start : start + BATCH]
                    write(batch)
                    if bar is not None:
                        bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        if postgresql and changed:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {STAGING_TABLE}")
        if result.created or result.updated:
            audit.record(
                actor=actor,
                event="divisions.imported",
                subject=Division.objects.get(code=COUNTRY_CODE),
                division_code=COUNTRY_CODE,
                after={
                    "source": Path(directory).name,
                    "under": list(under or []),
                    "read": result.read,
                    "created": result.created,
                    "updated": result.updated,
                },
            )
    return result


@contextmanager
def _bulk_session() -> Iterator[None]:
    """Give SQLite a page cache that holds the whole table while the import runs.

    The default 2 MB cache makes every insert into the name index go back to the
    file; the national table and its indexes need a few hundred megabytes.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _existing() -> dict[str, tuple[str, str, int, str | None, str]]:
    """The stored file-owned columns of every division, keyed by code."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_columns()} FROM {_table()}")
        return {record[0]: record for record in cursor}


def _table() -> str:
    return connection.ops.quote_name(Division._meta.db_table)


def _columns(*extra: str) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in (*COLUMNS, *extra))


def _insert(batch: list[Row]) -> None:
    # Status columns are not database defaults in Django, so new rows spell them out.
    columns = _columns("status", "status_reference")
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 2))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_table()} ({columns}) VALUES ({placeholders})",
            [(*row, *NEW_ROW_STATUS) for row in batch],
        )


def _update(batch: list[Row], *, columns: tuple[str, ...]) -> None:
    # Only the columns the files own: status and merged_into stay as the system set.
    qn = connection.ops.quote_name
    at = [COLUMNS.index(c) for c in columns]
    assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {_table()} SET {assignments} WHERE {qn('code')} = %s",
            [(*(row[i] for i in at), row.code) for row in batch],
        )


def _insert_postgresql(batch: list[Row]) -> None:
    with connection.cursor() as cursor:
        columns = _columns("status", "status_reference")
        with cursor.copy(f"COPY {_table()} ({columns}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row((*row, *NEW_ROW_STATUS))


def _update_postgresql(batch: list[Row], *, columns: tuple[str, ...]) -> None:
    """COPY the batch into a temporary table, then update from it in one statement."""
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(c)} = s.{qn(c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING_TABLE} ("
            "code varchar(12) PRIMARY KEY, name varchar(100) NOT NULL, "
            "level smallint NOT NULL, parent_id varchar(12), kind varchar(16) NOT NULL"
            ") ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {STAGING_TABLE}")
        with cursor.copy(f"COPY {STAGING_TABLE} ({_columns()}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        # The code range of the batch lets the planner read only that slice of the
        # table by its key instead of scanning all of it for every batch.
        code = qn("code")
        cursor.execute(
            f"UPDATE {_table()} AS d SET {assignments} FROM {STAGING_TABLE} AS s "
            f"WHERE d.{code} = s.{code} AND d.{code} >= %s AND d.{code} <= %s",
            [min(row.code for row in batch), max(row.code for row in batch)],
        )
