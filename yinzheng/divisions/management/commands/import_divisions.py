import json
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from tqdm import tqdm

from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand
from yinzheng.divisions.importer import import_divisions


class Command(BaseCommand):
    help = gettext_noop(
        "导入国家统计用区划代码（provinces/cities/areas/streets/villages.csv）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=Path, help=_("国家统计用区划代码 CSV 文件所在目录")
        )
        parser.add_argument(
            "--under",
            nargs="+",
            default=[],
            metavar="CODE",
            help=_("只导入这些代码之下的区划（及其上级）"),
        )
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出结果"))

    def handle(self, *args, directory: Path, under, json: bool, **options):
        started = time.perf_counter()

        def bar(total: int):
            return tqdm(
                total=total, unit="行", desc="写入区划", disable=None, leave=False
            )

        try:
            result = import_divisions(
                actor=SYSTEM, directory=directory, under=under, progress=bar
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        except DatabaseError as exc:
            # e.g. another import of the same rows committed first; nothing was kept.
            raise CommandError(f"导入未完成，数据库未做任何更改：{exc}") from exc
        seconds = time.perf_counter() - started
        summary = {
            "read": result.read,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "seconds": round(seconds, 2),
        }
        if json:
            self.stdout.write(_json_dumps(summary))
        else:
            self.stdout.write(
                f"读取 {result.read} 行：新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}，用时 {seconds:.1f} 秒"
            )


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
