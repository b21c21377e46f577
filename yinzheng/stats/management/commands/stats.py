"""`yinzheng stats …`: the statistics table and the campaigns from the command line, as
SYSTEM.

    export-table --county CODE [--unit CODE|DEPARTMENT] --format xlsx|pdf
                 --output FILE | --enqueue
        《应由基层群众性自治组织出具证明事项统计表》 (REQ-101) of the county's latest
        table: one unit's return (a township code, or a department such as
        public_security / 公安), or without --unit the county's consolidated table of
        every submitted return; --enqueue: made by a worker (YINZHENG_TASKS=database),
        fetched with `yinzheng task-result ID --output FILE`

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

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yinzheng.core import clock, tasks
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand

from ... import analysis, charts, services, table_files
from ...campaign_templates import TEMPLATES


class Command(BaseCommand):
    help = gettext_noop(
        "统计表：export-table 导出《应由基层群众性自治组织出具证明事项统计表》"
        "（xlsx 或 pdf），某一填报单位的，或全县汇总的；"
        "campaign-start 按模板发起专项工作；"
        "figures 导出某一区划某一期间的统计分析数据（json 或 csv）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, help=_("要执行的操作")
        )
        export = sub.add_parser(
            "export-table",
            aliases=["export_table"],
            help=_("导出统计表"),
        )
        export.add_argument("--county", required=True, help=_("县（市、区）代码"))
        export.add_argument(
            "--unit",
            help=_(
                "填报单位：乡镇（街道）代码，或部门（如 public_security 或 公安）；"
                "不填则导出全县汇总表（已报送的各单位）"
            ),
        )
        export.add_argument("--format", required=True, help=_("xlsx 或 pdf"))
        export.add_argument("--output", help=_("输出文件"))
        export.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "排队，由 yinzheng db_worker 进程生成并保存，再用 yinzheng task-result "
                "ID --output 取回（YINZHENG_TASKS=database；默认立即写出 --output）"
            ),
        )
        start = sub.add_parser(
            "campaign-start",
            aliases=["campaign_start"],
            help=_("按模板发起专项工作"),
        )
        start.add_argument(
            "--division", required=True, help=_("牵头区划代码（县；陕西模板为省）")
        )
        start.add_argument(
            "--template", required=True, help="模板：" + "、".join(TEMPLATES)
        )
        start.add_argument("--start", required=True, help=_("开始月份，YYYY-MM"))
        start.add_argument("--title", default=None, help=_("工作名称（默认用模板的）"))
        figures = sub.add_parser(
            "figures",
            help=_("统计分析数据：json 或 csv"),  # REQ-103, REQ-114
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
        county, unit = options["county"], options.get("unit")
        if options.get("enqueue") and tasks.queued():
            self._enqueue_table(county, unit, options["format"])
            return
        if not options.get("output"):
            raise CommandError("请用 --output 指定输出文件")
        out = Path(options["output"])
        if out.is_dir():
            raise CommandError(f"输出路径是一个目录，请给出文件名：{out}")
        try:
            made = table_files.table_file(
                county_code=county, unit=unit, fmt=options["format"]
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        try:
            out.write_bytes(made.content)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {made.unit} 的统计表（{made.rows} 行）到 {out}")

    def _enqueue_table(self, county: str, unit: str | None, fmt: str) -> None:
        """Checked here (bad input in words at once), made by a worker."""
        from yinzheng.stats.tasks import export_table

        county_code = (county or "").strip()
        unit_code = (unit or "").strip() or None
        try:
            fmt = table_files.check_format(fmt)
            table_files.table_source(county_code=county_code, unit=unit_code)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        waiting = tasks.waiting(
            export_table, county=county_code, unit=unit_code, fmt=fmt
        )
        if waiting is not None:
            self.stdout.write(f"已有排队的导出任务 {waiting.pk}，未重复排队")
            return
        result = export_table.enqueue(county=county_code, unit=unit_code, fmt=fmt)
        self.stdout.write(
            f"已排队导出任务 {result.id}；完成后用 yinzheng task-result {result.id} "
            "--output 文件 取回"
        )
