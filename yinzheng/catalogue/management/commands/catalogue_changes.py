"""yinzheng catalogue-changes --from DATE --to DATE [--owner CODE] [--list ID] [--json]

The per-period report of the items each list added and removed, with the decision
behind each , read through `selectors.change_report`; acting as the system, it
covers every list, or those owned at or below --owner, or one --list.
"""

import datetime as dt
import json
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue import selectors
from yinzheng.catalogue.models import CatalogueList
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def as_data(report: selectors.ChangeReport) -> dict[str, Any]:
    def line(x: selectors.ChangeLine) -> dict[str, str]:
        return {
            "item_key": x.item_key,
            "item_name": x.item_name,
            "decision_kind": x.decision_kind,
            "decision": x.decision,
        }

    return {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "added_count": report.added_count,
        "removed_count": report.removed_count,
        "versions": [
            {
                "list_id": v.list_id,
                "list_title": v.list_title,
                "owner": v.owner,
                "version_number": v.version_number,
                "valid_from": v.valid_from.isoformat() if v.valid_from else None,
                "added": [line(x) for x in v.added],
                "removed": [line(x) for x in v.removed],
            }
            for v in report.versions
        ],
    }


class Command(BaseCommand):
    help = gettext_noop(
        "清单增减情况：统计期间内生效的各清单版本新增、移出的事项及依据的决定"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", required=True, dest="start", help=_("开始日期（含）")
        )
        parser.add_argument("--to", required=True, dest="end", help=_("结束日期（含）"))
        parser.add_argument("--owner", default="", help=_("只看该区划及下级制定的清单"))
        parser.add_argument(
            "--list", type=int, dest="list_id", help=_("只看这一个清单")
        )
        parser.add_argument("--json", action="store_true", help=_("输出 JSON"))

    def handle(self, *args, start: str, end: str, owner: str, list_id, **options):
        lists = CatalogueList.objects.all()
        if owner:
            lists = lists.filter(owner_id__startswith=owner)
        if list_id is not None:
            lists = lists.filter(pk=list_id)
        try:
            report = selectors.change_report(
                lists=lists, start=_date(start), end=_date(end)
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(as_data(report), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{report.start} 至 {report.end}：新增 {report.added_count} 项，"
            f"移出 {report.removed_count} 项"
        )
        for v in report.versions:
            self.stdout.write(
                f"\n{v.owner_name}《{v.list_title}》第 {v.version_number} 版"
                f"（{v.valid_from} 起）"
            )
            for sign, lines in (("+", v.added), ("-", v.removed)):
                for x in lines:
                    self.stdout.write(f"  {sign} {x.item_name}：{x.decision}")
