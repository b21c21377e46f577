"""Open data: one list version as JSON, CSV and xlsx (REQ-079, REQ-081).

Pure renderings of a version already read from the database: the API and
`yinzheng catalogue-export` both call these, so every channel shows the same version
number, validity date and entries (REQ-081). The JSON carries the whole version (list,
version header with its approval record, the channels and dates it went out on,
entries with their items and the channels and dates the owner put each item's guide
out on) and is what `yinzheng catalogue-import` reads back;
`read_entries()` parses it without touching the database. CSV is UTF-8 with a
byte-order mark so that Excel opens the Chinese text correctly.
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yinzheng.core.errors import InvalidInput

from .errors import CatalogueCode
from .models import ListEntry, ListVersion
from .selectors import current_guide_publications, version_publications

FORMAT = "yinzheng.catalogue.version"
FORMAT_VERSION = 1
# REQ-002: every export names the implementing unit, the competent department and the
# remarks; REQ-117: and whom a data-sharing route queries. Added at the end, so the
# columns before them keep their places.
COLUMNS = [
    "序号",
    "证明名称",
    "别名",
    "办事途径",
    "办理部门",
    "除外情形",
    "设定依据",
    "实施单位",
    "主管部门",
    "备注",
    "信息共享核查部门",
]
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _entries(version: ListVersion) -> list[ListEntry]:
    return list(
        version.entries.select_related("item")
        .prefetch_related("item__bases")
        .order_by("number")
    )


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def _publications(pubs: Any) -> list[dict[str, Any]]:
    return [
        {
            "channel": p.channel,
            "channel_display": str(p.get_channel_display()),
            "published_on": _date(p.published_on),
            "location": p.location,
        }
        for p in pubs
    ]


def version_record(version: ListVersion) -> dict[str, Any]:
    """The version as plain data: the JSON export, and the source of the other formats."""
    catalogue_list = version.catalogue_list
    entries = _entries(version)
    guide_publications = current_guide_publications(
        catalogue_list.owner_id, [e.item_id for e in entries]
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "list": {
            "id": catalogue_list.pk,
            "owner": catalogue_list.owner_id,
            "owner_name": catalogue_list.owner.name,
            "kind": catalogue_list.kind,
            "kind_display": str(catalogue_list.get_kind_display()),
            "batch_no": catalogue_list.batch_no,
            "title": catalogue_list.title,
            "sample": catalogue_list.sample,
        },
        "version": {
            "number": version.number,
            "status": version.status,
            "status_display": str(version.get_status_display()),
            "valid_from": _date(version.valid_from),
            "valid_to": _date(version.valid_to),
            "reason": version.reason,
            "source_document": version.source_document,
            "approval": {
                "body": version.approval_body,
                "date": _date(version.approval_date),
                "reference": version.approval_reference,
            },
            "published_at": _date(version.published_at),
        },
        # REQ-078, REQ-081: where and when this version went out, channel by channel.
        "publications": _publications(version_publications(version)),
        "entries": [
            {
                "number": e.number,
                "item": e.item.key,
                "name": e.item.name,
                "aliases": list(e.item.aliases),
                "open_alias_list": e.item.open_alias_list,
                "route": e.item.route,
                "responsible_departments": list(e.item.responsible_departments),
                "sharing_departments": list(e.item.sharing_departments),
                "exceptions": list(e.item.exceptions),
                "implementing_unit": e.item.implementing_unit,
                "competent_department": e.item.competent_department,
                "remarks": e.item.remarks,
                "bases": [
                    {
                        "type": b.basis_type,
                        "type_display": str(b.get_basis_type_display()),
                        "citation": b.citation,
                        "sample": b.sample,
                    }
                    for b in e.item.bases.all()
                ],
                "note": e.note,
                # REQ-078: where and when the list's owner put the item's guide out
                # (its current publication), channel by channel.
                "guide_publications": _publications(
                    guide_publications.get(e.item_id, [])
                ),
            }
            for e in entries
        ],
    }


def to_json(version: ListVersion) -> str:
    return json.dumps(version_record(version), ensure_ascii=False, indent=2) + "\n"


def rows(version: ListVersion) -> list[list[Any]]:
    """The table of the CSV and xlsx exports, under COLUMNS."""
    table: list[list[Any]] = []
    for e in version_record(version)["entries"]:
        aliases = "、".join(e["aliases"])
        if aliases and e["open_alias_list"]:
            aliases += "等"
        bases = "；".join(
            f"{b['type_display']}：{b['citation']}"
            + ("（示例）" if b["sample"] else "")
            for b in e["bases"]
        )
        table.append(
            [
                e["number"],
                e["name"],
                aliases,
                e["route"],
                "、".join(e["responsible_departments"]),
                "；".join(e["exceptions"]),
                bases,
                e["implementing_unit"],
                e["competent_department"],
                e["remarks"],
                "、".join(e["sharing_departments"]),
            ]
        )
    return table


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(version: ListVersion) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(version):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(version: ListVersion) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    record = version_record(version)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet, a worksheet
    ws.title = f"第{version.number}版"
    ws.append(COLUMNS)
    for row in rows(version):
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [6, 28, 24, 60, 18, 24, 40, 20, 20, 30, 24]
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        ws.column_dimensions[letter].width = width

    about = wb.create_sheet("版本信息")
    v = record["version"]
    for label, value in [
        ("清单名称", record["list"]["title"]),
        (
            "制定机关所在区划",
            f"{record['list']['owner_name']}（{record['list']['owner']}）",
        ),
        ("清单类型", record["list"]["kind_display"]),
        ("版本号", v["number"]),
        ("状态", v["status_display"]),
        ("生效日期", v["valid_from"] or ""),
        ("失效日期", v["valid_to"] or ""),
        ("批准机关", v["approval"]["body"]),
        ("批准日期", v["approval"]["date"] or ""),
        ("批准文号或会议", v["approval"]["reference"]),
        ("来源文件", v["source_document"]),
        ("调整原因", v["reason"]),
        (
            "公布渠道及日期",
            "；".join(
                f"{p['channel_display']}：{p['published_on']}"
                for p in record["publications"]
            ),
        ),
    ]:
        about.append([label, value])
        if isinstance(value, str):
            about.cell(row=about.max_row, column=2).data_type = "s"
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 60
    wb.properties.title = f"{record['list']['title']} 第{version.number}版"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(version: ListVersion, fmt: str) -> str:
    """ASCII file name with the list, version number and validity date (REQ-081)."""
    date = version.valid_from.isoformat() if version.valid_from else version.status
    return f"catalogue-{version.catalogue_list_id}-v{version.number}-{date}.{fmt}"


RENDERERS: dict[str, Callable[[ListVersion], str | bytes]] = {
    "json": to_json,
    "csv": to_csv,
    "xlsx": to_xlsx,
}


def render(version: ListVersion, fmt: str) -> bytes:
    content = RENDERERS[fmt](version)
    return content.encode("utf-8") if isinstance(content, str) else content


@dataclass(frozen=True)
class ImportRow:
    row: int  # 1-based position in the file's entries
    number: Any  # the 序号 the file gives, for messages
    item_key: str
    note: str

    def label(self) -> str:
        return _("第 %(row)s 条（序号 %(number)s，标识 %(key)s）") % {
            "row": self.row,
            "number": self.number,
            "key": self.item_key or "—",
        }


def read_entries(text: str | bytes) -> list[ImportRow]:
    """The entries of a JSON export, checked for shape; the database is not consulted."""
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            _("不是有效的 JSON 文件：%s") % exc, code=CatalogueCode.IMPORT_NOT_JSON
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput(
            _("不是印证清单版本的导出文件（缺少 format: %s）") % FORMAT,
            code=CatalogueCode.IMPORT_WRONG_FORMAT,
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            _("不支持的导出文件版本：%s") % data.get("format_version"),
            code=CatalogueCode.IMPORT_WRONG_FORMAT,
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise InvalidInput(
            _("导出文件缺少条目列表"), code=CatalogueCode.IMPORT_WRONG_FORMAT
        )
    result: list[ImportRow] = []
    problems: list[str] = []
    seen: dict[str, ImportRow] = {}
    for n, e in enumerate(entries, start=1):
        key = e.get("item") if isinstance(e, dict) else None
        note = e.get("note", "") if isinstance(e, dict) else ""
        row = ImportRow(
            row=n,
            number=e.get("number", "—") if isinstance(e, dict) else "—",
            item_key=key if isinstance(key, str) else "",
            note=note if isinstance(note, str) else "",
        )
        if not row.item_key.strip():
            problems.append(_("%s：缺少证明事项标识") % row.label())
        elif row.item_key in seen:
            problems.append(
                _("%(row)s：与%(first)s重复")
                % {"row": row.label(), "first": seen[row.item_key].label()}
            )
        else:
            seen[row.item_key] = row
        result.append(row)
    if problems:
        raise InvalidInput(
            "；".join(problems), code=CatalogueCode.IMPORT_BAD_ROWS, detail=problems
        )
    return result
