"""`yinzheng supervision …`: the supervision jobs run from cron or by hand, as SYSTEM.

    scan [--county CODE …] [--since DATE] [--until DATE] [--json]
        mine the registers for alerts (nightly; idempotent; silent unless it raised one)
    draw COUNTY [--seed S] [--json]
        draw 2 committees per township for a special inspection (REQ-095)
    overdue [--under CODE] [--json]
        open cases past their step's deadline, rectification items past theirs
    export-items --under CODE --out FILE.xlsx | --enqueue
        the rectification list as a printable table (REQ-096); --enqueue: made by a
        worker (YINZHENG_TASKS=database), `yinzheng task-result ID --output F` fetches it

A thin wrapper over the services and selectors; bad input is a CommandError in words,
never a traceback.
"""

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.core import clock, tasks
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand
from yinzheng.divisions.models import Division

from ... import exports, selectors, services
from ...choices import AlertKind


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期格式应为 YYYY-MM-DD，收到：{text}"
        ) from None


def _division(code: str, level: int | None = None) -> Division:
    found = Division.objects.filter(code=code).first()
    if found is None or (level is not None and found.level != level):
        what = "县（市、区）" if level == Level.COUNTY else "区划"
        raise CommandError(f"没有这个{what}：{code}")
    return found


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


class Command(BaseCommand):
    help = gettext_noop(
        "监督：scan 扫描用印登记簿生成预警（适合每晚定时运行）；draw 专项督查抽取"
        "（每个乡镇 2 个村（居））；overdue 列出逾期的投诉和整改事项；export-items "
        "导出整改清单（xlsx）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, help=_("要执行的操作")
        )
        scan = sub.add_parser("scan", help=_("扫描登记簿，生成预警"))
        scan.add_argument(
            "--county",
            action="append",
            default=[],
            help=_("只扫描这个县（市、区）代码，可重复（默认：所有有村（居）的县）"),
        )
        scan.add_argument("--since", type=_date, help=_("起始日期 YYYY-MM-DD"))
        scan.add_argument(
            "--until", type=_date, help=_("截止日期 YYYY-MM-DD（默认今天）")
        )
        scan.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        scan.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "每个县排一个任务（YINZHENG_TASKS=database 时由 yinzheng db_worker "
                "进程执行；默认立即执行）"
            ),
        )
        draw = sub.add_parser("draw", help=_("专项督查抽取"))
        draw.add_argument("county", help=_("县（市、区）代码"))
        draw.add_argument("--seed", help=_("随机种子（默认随机生成，均记录在案）"))
        draw.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        overdue = sub.add_parser("overdue", help=_("逾期的投诉和整改事项"))
        overdue.add_argument("--under", help=_("只列此区划代码之下的"))
        overdue.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        export = sub.add_parser(
            "export-items", aliases=["export_items"], help=_("导出整改清单")
        )
        export.add_argument("--under", required=True, help=_("区划代码"))
        export.add_argument("--out", help=_("输出文件 .xlsx"))
        export.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "排队，由 yinzheng db_worker 进程生成并保存，再用 yinzheng task-result "
                "ID --output 取回（YINZHENG_TASKS=database；默认立即写出 --out）"
            ),
        )

    def handle(self, *args, action: str, **options):
        handlers = {
            "scan": self._scan,
            "draw": self._draw,
            "overdue": self._overdue,
            "export_items": self._export_items,
            "export-items": self._export_items,
        }
        try:
            handlers[action](options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    # scan -----------------------------------------------------------------------------

    def _scan(self, options: dict[str, Any]) -> None:
        codes = [_division(c, Level.COUNTY).code for c in options["county"]]
        since, until = options.get("since"), options.get("until")
        if until and until > clock.today():
            raise CommandError(f"截止日期不能晚于今天：{until}")
        if since and until and since > until:
            raise CommandError(f"起始日期 {since} 晚于截止日期 {until}")
        if since and not until and since > clock.today():
            raise CommandError(f"起始日期不能晚于今天：{since}")
        if options["enqueue"]:
            self._enqueue_scan(codes, since, until)
            return
        result = services.scan(
            actor=SYSTEM, county_codes=codes or None, since=since, until=until
        )
        by_kind = {str(k): n for k, n in sorted(result.by_kind.items()) if n}
        if options["json"]:
            self.stdout.write(
                _dump(
                    {
                        "raised": result.raised,
                        "refreshed": result.refreshed,
                        "unchanged": result.unchanged,
                        "by_kind": by_kind,
                    }
                )
            )
            return
        # Cron mails whatever a job prints: nothing new, nothing to say.
        if not result.raised and options["verbosity"] < 2:
            return
        self.stdout.write(
            f"新增预警 {result.raised} 条，更新 {result.refreshed} 条，"
            f"无变化 {result.unchanged} 条"
        )
        for kind, n in by_kind.items():
            self.stdout.write(f"  {AlertKind(kind).label}：{n} 条")

    def _enqueue_scan(
        self, codes: list[str], since: dt.date | None, until: dt.date | None
    ) -> None:
        from yinzheng.supervision.services.alerts import counties_with_committees
        from yinzheng.supervision.tasks import scan_county

        counties = codes or counties_with_committees()
        for county in counties:
            scan_county.enqueue(
                county,
                since.isoformat() if since else None,
                until.isoformat() if until else None,
            )
        self.stdout.write(f"已排队 {len(counties)} 个县的扫描任务")

    # draw -----------------------------------------------------------------------------

    def _draw(self, options: dict[str, Any]) -> None:
        county = _division(options["county"], Level.COUNTY)
        draw = services.draw_create(
            actor=SYSTEM, county_code=county.code, seed=options.get("seed")
        )
        drawn: dict[str, list[str]] = draw.sample["drawn"]
        codes = set(drawn) | {c for picked in drawn.values() for c in picked}
        names = dict(
            Division.objects.filter(code__in=codes).values_list("code", "name")
        )
        townships: list[dict[str, Any]] = [
            {
                "code": township,
                "name": names.get(township, ""),
                "committees": [
                    {"code": c, "name": names.get(c, "")} for c in committees
                ],
            }
            for township, committees in sorted(drawn.items())
        ]
        if options["json"]:
            self.stdout.write(
                _dump(
                    {
                        "draw": draw.pk,
                        "county": county.code,
                        "county_name": county.name,
                        "seed": draw.seed,
                        "candidates_sha256": draw.candidates_sha256,
                        "drawn_on": draw.drawn_on.isoformat(),
                        "townships": townships,
                    }
                )
            )
            return
        total = sum(len(t["committees"]) for t in townships)
        self.stdout.write(
            f"{county.name}（{county.code}）专项督查抽取 #{draw.pk}，"
            f"{draw.drawn_on.isoformat()}，种子 {draw.seed}："
            f"{len(townships)} 个乡镇，共 {total} 个村（居）"
        )
        for t in townships:
            picked = "、".join(f"{c['name']}（{c['code']}）" for c in t["committees"])
            self.stdout.write(f"  {t['name']}（{t['code']}）：{picked}")

    # overdue --------------------------------------------------------------------------

    def _overdue(self, options: dict[str, Any]) -> None:
        today = clock.today()
        cases = selectors.cases_overdue(SYSTEM, today)
        items = selectors.items_overdue(SYSTEM, today).select_related("county")
        under = options.get("under")
        if under:
            area = _division(under)
            cases = cases.filter(subtree_q(area.code, "division_id"))
            items = items.filter(subtree_q(area.code, "division_id"))
        case_rows = [
            {
                "tracking_no": c.tracking_no,
                "county": c.county.name,
                "committee": c.committee.name if c.committee_id else "",
                "demanding_unit": c.demanding_unit,
                "item": c.item_text,
                "status": str(c.get_status_display()),
                "due_on": c.step_due_on.isoformat() if c.step_due_on else None,
                "days_late": (today - c.step_due_on).days if c.step_due_on else 0,
            }
            for c in cases
        ]
        item_rows = [
            {
                "id": i.pk,
                "county": i.county.name,
                "responsible_unit": i.responsible_unit,
                "problem": i.problem,
                "round": i.round,
                "deadline": i.deadline.isoformat(),
                "days_late": (today - i.deadline).days,
            }
            for i in items.order_by("deadline", "id")
        ]
        if options["json"]:
            self.stdout.write(
                _dump(
                    {"today": today.isoformat(), "cases": case_rows, "items": item_rows}
                )
            )
            return
        self.stdout.write(f"逾期投诉 {len(case_rows)} 件：")
        for c in case_rows:
            self.stdout.write(
                f"  {c['tracking_no']} {c['county']} {c['demanding_unit']}："
                f"{c['item']}，{c['status']}，期限 {c['due_on']}，"
                f"逾期 {c['days_late']} 天"
            )
        self.stdout.write(f"逾期整改事项 {len(item_rows)} 项：")
        for i in item_rows:
            problem = i["problem"].replace("\n", " ")
            if len(problem) > 40:
                problem = problem[:40] + "…"
            self.stdout.write(
                f"  #{i['id']} {i['responsible_unit']}：{problem}，第 {i['round']} 轮，"
                f"时限 {i['deadline']}，逾期 {i['days_late']} 天"
            )

    # export-items ---------------------------------------------------------------------

    def _export_items(self, options: dict[str, Any]) -> None:
        from yinzheng.supervision.tasks import export_items

        area = _division(options["under"])
        if options.get("enqueue") and tasks.queued():
            waiting = tasks.waiting(export_items, requested_by=None, under=area.code)
            if waiting is not None:
                self.stdout.write(f"已有排队的导出任务 {waiting.pk}，未重复排队")
                return
            result = export_items.enqueue(requested_by=None, under=area.code)
            self.stdout.write(
                f"已排队导出任务 {result.id}；完成后用 yinzheng task-result "
                f"{result.id} --output 文件.xlsx 取回"
            )
            return
        if not options.get("out"):
            raise CommandError("请用 --out 指定输出文件 .xlsx")
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError(f"输出文件应以 .xlsx 结尾：{out}")
        today = clock.today()
        rows = list(selectors.items_of_area(SYSTEM, area.code))
        content = exports.items_workbook(
            rows, today, title=f"{area.name}{exports.TITLE}"
        )
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {len(rows)} 项到 {out}")
