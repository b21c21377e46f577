"""Import of the national statistical division codes (REQ-001).

Reads the five CSVs of the 2023 dataset (provinces, cities, areas, streets, villages),
checks every row first, then writes everything in one transaction: a malformed row names
its file and line and nothing is written. Re-importing updates names and parents and
never duplicates (the code is the key); rows that did not change are not written again.
A committee's status (merged, abolished) is the system's own record and is kept.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.core.errors import InvalidInput

from .choices import CODE_LENGTH, COUNTRY_CODE, CommitteeKind, Level
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
BATCH = 2000


class DivisionFileError(InvalidInput):
    code = "division_file_invalid"


@dataclass
class Row:
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


def _wanted(code: str, under: list[str], above: set[str]) -> bool:
    return not under or code in above or any(code.startswith(u) for u in under)


def read_rows(directory: Path, under: list[str] | None = None) -> list[Row]:
    """Every row of the five files, checked, top level first."""
    under = [u.strip() for u in (under or []) if u.strip()]
    above = {a for u in under for a in ancestor_codes(u)} | set(under)
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
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            needed = {"code", "name"} | ({parent_column} if parent_column else set())
            missing = needed - set(reader.fieldnames or [])
            if missing:
                raise _error(path, 1, _("缺少列 %s") % ", ".join(sorted(missing)))
            seen: set[str] = set()
            for record in reader:
                line = reader.line_num
                code = (record.get("code") or "").strip()
                name = (record.get("name") or "").strip()
                if len(code) != length or not code.isdigit():
                    raise _error(
                        path, line, _("代码“%(code)s”应为 %(n)d 位数字")
                        % {"code": code, "n": length},
                    )
                if not _wanted(code, under, above):
                    continue
                if not name:
                    raise _error(path, line, _("名称为空"))
                if len(name) > 100:
                    raise _error(path, line, _("名称超过 100 个字符"))
                if code in seen:
                    raise _error(path, line, _("代码 %s 重复") % code)
                parent = COUNTRY_CODE
                if parent_column:
                    parent = (record.get(parent_column) or "").strip()
                    if not code.startswith(parent) or len(parent) != CODE_LENGTH[
                        Level(level - 1)
                    ]:
                        raise _error(
                            path, line,
                            _("上级代码“%(p)s”与代码“%(c)s”不符")
                            % {"p": parent, "c": code},
                        )
                    if parent not in known:
                        raise _error(path, line, _("上级代码 %s 不存在") % parent)
                kind = ""
                if level == Level.COMMITTEE:
                    kind = (record.get("kind") or "").strip() or kind_from_name(name)
                    if kind not in CommitteeKind.values:
                        raise _error(path, line, _("类型“%s”无效") % kind)
                seen.add(code)
                rows.append(Row(code, name, level, parent, kind))
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
        existing = {
            code: (name, level, parent, kind)
            for code, name, level, parent, kind in Division.objects.values_list(
                "code", "name", "level", "parent_id", "kind"
            ).iterator(chunk_size=20000)
        }
        changed: list[Division] = []
        for row in rows:
            old = existing.get(row.code)
            if old == (row.name, row.level, row.parent, row.kind):
                result.unchanged += 1
                continue
            if old is None:
                result.created += 1
            else:
                result.updated += 1
            result.per_level[row.level] = result.per_level.get(row.level, 0) + 1
            changed.append(
                Division(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    parent_id=row.parent,
                    kind=row.kind,
                )
            )
        bar = progress(len(changed)) if progress else None
        for start in range(0, len(changed), BATCH):
            batch = changed[start : start + BATCH]
            Division.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent", "kind"],
            )
            if bar is not None:
                bar.update(len(batch))
        if bar is not None:
            bar.close()
    return result
