"""`yinzheng stats …`: the statistics table and the campaigns from the command line, as
SYSTEM.

    export-table --county CODE [--unit CODE|DEPARTMENT] --format xlsx|pdf --output FILE
        《应由基层群众性自治组织出具证明事项统计表》 (REQ-101) of the county's latest
        table: one unit's return (a township code, or a department such as
        public_security / 公安), or without --unit the county's consolidated table of
        every submitted return

    campaign-start --division CODE --template CODE --start YYYY-MM [--title TEXT]
        a campaign from a seed template (REQ-104–107): sunan-2020 and potou-2022 for a
        county, shaanxi-2022 for a province; every date moved by whole months to the
        start month

    figures --division CODE [--from DATE --to DATE] --format json|csv [--output FILE]
        the statistics of a division over a period (REQ-103): certificate cases by
        outcome, completion mode, item and unit, the trend, negative-list refusals,
        seal uses and supervision work; json as the departments' API answers it
        (/api/stats/figures/, REQ-114: with the lists in force, no personal data),
        csv as the dashboard's tables one after another

A thin wrapper over the selectors, exports and services; bad input is a CommandError
in words, never a traceback.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts.choices import Department
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import Level
from yinzheng.core.errors import DomainError
from yinzheng.divisions.models import Division

from ... import analysis, charts, exports, selectors, services
from ...campaign_templates import TEMPLATES
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
        "（xlsx 或 pdf），某一填报单位的，或全县汇总的；"
        "campaign-start 按模板发起专项工作；"
        "figures 导出某一区划某一期间的统计分析数据（json 或 csv）"
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
        start = sub.add_parser(
            "campaign-start",
            aliases=["campaign_start"],
            help="按模板发起专项工作（REQ-104–107）",
        )
        start.add_argument(
            "--division", required=True, help="牵头区划代码（县；陕西模板为省）"
        )
        start.add_argument(
            "--template", required=True, help="模板：" + "、".join(TEMPLATES)
        )
        start.add_argument("--start", required=True, help="开始月份，YYYY-MM")
        start.add_argument("--title", default=None, help="工作名称（默认用模板的）")
        figures = sub.add_parser(
            "figures", help=_("统计分析数据（REQ-103、REQ-114）：json 或 csv")
        )
        figures.add_argument("--division", required=True, help=_("区划代码"))
        figures.add_argument(
            "--from",
            dest="date_from",
            help=_("开始日期 YYYY-MM-DD（含）；默认当年1月1日"),
        )
        figures.add_argument(
            "--to", dest="date_to", help=_("结束日期 YYYY-MM-DD（含）；默认今天")
        )
        figures.add_argument("--format", required=True, help=_("json 或 csv"))
        figures.add_argument("--output", help=_("输出文件；不填则输出到屏幕"))

    def handle(self, *args, action: str, **options):
        if action in {"export-table", "export_table"}:
            self._export_table(options)
        elif action in {"campaign-start", "campaign_start"}:
            self._campaign_start(options)
        elif action == "figures":
            self._figures(options)

    def _campaign_start(self, options: dict[str, Any]) -> None:
        text = (options["start"] or "").strip()
        try:
            month = dt.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise CommandError(f"开始月份应为 YYYY-MM，如 2020-11：{text}") from None
        try:
            campaign = services.campaign_start(
                actor=SYSTEM,
                division_code=(options["division"] or "").strip(),
                template_code=(options["template"] or "").strip(),
                starts_on=month,
                title=options.get("title"),
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"已发起专项工作“{campaign.title}”（{campaign.division.name}，"
            f"{campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d}，"
            f"{campaign.phases.count()} 个阶段），编号 {campaign.pk}"
        )

    def _figures(self, options: dict[str, Any]) -> None:
        """REQ-103, REQ-114: the figures as the API gives them (json) or as the
        dashboard's tables (csv)."""
        from ...api.figures import answer

        fmt = (options["format"] or "").strip().lower()
        if fmt not in {"json", "csv"}:
            raise CommandError(
                _("不支持的格式：%(format)s（可选：json、csv）")
                % {"format": options["format"]}
            )
        out = Path(options["output"]) if options.get("output") else None
        if out is not None and out.is_dir():
            raise CommandError(
                _("输出路径是一个目录，请给出文件名：%(path)s") % {"path": out}
            )
        today = clock.today()
        try:
            filters = analysis.parse_filters(
                SYSTEM,
                {
                    "division": options["division"],
                    "from": options.get("date_from"),
                    "to": options.get("date_to"),
                },
                today=today,
                action=analysis.API,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        found = analysis.figures(filters, today=today, top=None, free_text=False)
        if fmt == "json":
            versions = analysis.list_versions(filters, today=today)
            text = json.dumps(answer(found, versions), ensure_ascii=False, indent=2)
            content = (text + "\n").encode("utf-8")
        else:
            content = charts.to_csv(found, charts.charts(found))
        if out is None:
            self.stdout.write(content.decode("utf-8").lstrip("\ufeff"), ending="")
            return
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("无法写入 %(path)s：%(reason)s")
                % {"path": out, "reason": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            _(
                "已导出 %(name)s（%(code)s）%(start)s 至 %(end)s 的统计数据"
                "（受理 %(total)s 件）到 %(path)s"
            )
            % {
                "name": filters.division_name,
                "code": filters.division_code,
                "start": filters.date_from,
                "end": filters.date_to,
                "total": found.cases.total,
                "path": out,
            }
        )

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
