"""`yinzheng stats …`: the statistics table from the command line, as SYSTEM.

    export-table --county CODE [--unit CODE|DEPARTMENT] --format xlsx|pdf --output FILE
        《应由基层群众性自治组织出具证明事项统计表》 (REQ-101) of the county's latest
        table: one unit's return (a township code, or a department such as
        public_security / 公安), or without --unit the county's consolidated table of
        every submitted return

A thin wrapper over the selectors and exports; bad input is a CommandError in words,
never a traceback.
"""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yinzheng.accounts.choices import Department
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.divisions.models import Division

from ... import exports, selectors
from ...choices import ReturnStatus
from ...models import StatsTable, TableReturn, TableRow

FORMATS = {"xlsx": exports.table_xlsx, "pdf": exports.table_pdf}


def _department(text: str) -> str | None:
    """A department by its value (public_security) or its label (公安)."""
    for value, label in Department.choices:
        if text in (value, str(label)):
            return str(value)
    return None


class Command(BaseCommand):
    help = (
        "统计表：export-table 导出《应由基层群众性自治组织出具证明事项统计表》"
        "（xlsx 或 pdf），某一填报单位的，或全县汇总的"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export-table",
            aliases=["export_table"],
            help="导出统计表（REQ-101）",
        )
        export.add_argument("--county", required=True, help="县（市、区）代码")
        export.add_argument(
            "--unit",
            help="填报单位：乡镇（街道）代码，或部门（如 public_security 或 公安）；"
            "不填则导出全县汇总表（已报送的各单位）",
        )
        export.add_argument("--format", required=True, help="xlsx 或 pdf")
        export.add_argument("--output", required=True, help="输出文件")

    def handle(self, *args, action: str, **options):
        if action in {"export-table", "export_table"}:
            self._export_table(options)

    def _export_table(self, options: dict[str, Any]) -> None:
        fmt = (options["format"] or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(f"不支持的格式：{options['format']}（可选：xlsx、pdf）")
        out = Path(options["output"])
        if out.is_dir():
            raise CommandError(f"输出路径是一个目录，请给出文件名：{out}")

        code = (options["county"] or "").strip()
        county = Division.objects.filter(code=code, level=Level.COUNTY).first()
        if county is None:
            raise CommandError(f"没有这个县（市、区）：{code}")
        table = (
            StatsTable.objects.filter(county=county)
            .order_by("-created_at", "-id")
            .first()
        )
        if table is None:
            raise CommandError(f"{county.name}（{county.code}）还没有发布统计表")

        rows: list[TableRow]
        date: dt.date
        if options.get("unit"):
            ret = self._return(table, county, options["unit"].strip())
            rows = list(selectors.rows_of(ret))
            unit = ret.unit_name
            if ret.status == ReturnStatus.SUBMITTED and ret.submitted_at is not None:
                date = timezone.localdate(ret.submitted_at)
            else:
                date = clock.today()
        else:
            rows = selectors.consolidated_rows(table)
            unit = f"{county.name}民政局（汇总）"
            date = clock.today()

        content = FORMATS[fmt](title=table.title, unit=unit, date=date, rows=rows)
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {unit} 的统计表（{len(rows)} 行）到 {out}")

    def _return(self, table: StatsTable, county: Division, unit: str) -> TableReturn:
        department = _department(unit)
        if department is not None:
            if department not in table.departments:
                raise CommandError(f"部门“{unit}”不在本统计表的填报单位之列")
            found = TableReturn.objects.filter(
                table=table, division=county, department=department
            ).first()
            label = f"{county.name}{Department(department).label}"
        else:
            township = Division.objects.filter(
                code=unit, level=Level.TOWNSHIP, parent=county
            ).first()
            if township is None:
                raise CommandError(
                    f"未知的填报单位：{unit}（应为{county.name}的乡镇（街道）代码，"
                    f"或部门：{'、'.join(str(v) for v in Department.values)}）"
                )
            found = TableReturn.objects.filter(
                table=table, division=township, department=""
            ).first()
            label = township.name
        if found is None:
            raise CommandError(f"{label}尚未填报统计表")
        return found
