import json

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue import selectors
from yinzheng.catalogue.models import Announcement
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import subtree_q
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "国家负面清单新批次公告及村（居）委会阅知情况：列出公告和阅知数，"
        "或用 --pending 列出尚未阅知的村（居）委会"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--pending",
            type=int,
            metavar="ID",
            help=_("列出尚未阅知该公告的村（居）委会"),
        )
        parser.add_argument(
            "--under",
            metavar="CODE",
            default="",
            help=_("只看该区划代码以下（如乡镇）"),
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help=_("以 JSON 输出")
        )

    def handle(self, *args, pending=None, under="", as_json=False, **options):
        if under and not under.isdigit():
            raise CommandError(f"区划代码只能是数字：{under}")
        if pending is not None:
            announcement = Announcement.objects.filter(pk=pending).first()
            if announcement is None:
                raise CommandError(f"没有编号为 {pending} 的公告")
            rows = selectors.announcement_pending(SYSTEM, announcement)
            if under:
                rows = rows.filter(subtree_q(under, "code"))
            found = [
                {
                    "code": c.code,
                    "name": c.name,
                    "township": c.parent.name if c.parent else "",
                }
                for c in rows
            ]
            self._print(
                found, json, lambda r: f"{r['code']}  {r['township']} {r['name']}"
            )
            return
        listed = []
        for a in selectors.announcements():
            committees = selectors.announcement_pending(SYSTEM, a)
            if under:
                committees = committees.filter(subtree_q(under, "code"))
            listed.append(
                {
                    "id": a.pk,
                    "batch_no": a.batch_no,
                    "valid_from": a.version.valid_from.isoformat()
                    if a.version.valid_from
                    else None,
                    "pending": committees.count(),
                }
            )
        self._print(
            listed,
            as_json,
            lambda r: (
                f"公告 {r['id']}  第 {r['batch_no']} 批  自 {r['valid_from']} 起施行"
                f"  尚未阅知 {r['pending']} 个村（居）委会"
            ),
        )

    def _print(self, rows, as_json, line):
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for row in rows:
                self.stdout.write(line(row))
