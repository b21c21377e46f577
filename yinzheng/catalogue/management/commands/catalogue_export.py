"""yinzheng catalogue-export LIST_ID [--version N] --format json|csv|xlsx [-o FILE]"""

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue import exports, selectors
from yinzheng.catalogue.models import CatalogueList
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "导出清单版本（开放数据）：默认导出现行公布版本；"
        "不写 -o 时按“清单-版本号-生效日期”命名文件，-o - 输出到标准输出"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names a list version here, not the program's version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("list_id", type=int, help=_("清单编号"))
        parser.add_argument("--version", type=int, dest="number", help=_("版本号"))
        parser.add_argument(
            "--format",
            required=True,
            choices=sorted(exports.RENDERERS),
            dest="fmt",
            help=_("导出格式"),
        )
        parser.add_argument("-o", "--output", help=_("输出文件；- 表示标准输出"))

    def handle(self, *args, list_id: int, number, fmt: str, output, **options):
        catalogue_list = (
            CatalogueList.objects.select_related("owner").filter(pk=list_id).first()
        )
        if catalogue_list is None:
            raise CommandError(f"清单 {list_id} 不存在")
        if number is None:
            version = selectors.latest_published(catalogue_list)
            if version is None:
                raise CommandError(
                    f"清单 {list_id} 尚无公布的版本；请用 --version 指定"
                )
        else:
            version = catalogue_list.versions.filter(number=number).first()
            if version is None:
                raise CommandError(f"清单 {list_id} 没有第 {number} 版")
        version.catalogue_list = catalogue_list
        content = exports.render(version, fmt)
        if output == "-":
            if fmt == "xlsx":
                sys.stdout.buffer.write(content)
            else:
                self.stdout.write(content.decode("utf-8"), ending="")
            return
        path = Path(output or exports.filename(version, fmt))
        path.write_bytes(content)
        self.stdout.write(
            f"已导出第 {version.number} 版（{version.get_status_display()}，"
            f"生效日期 {version.valid_from or '—'}，{version.entries.count()} 项）"
            f"到 {path}"
        )
