"""yinzheng catalogue-import FILE.json --list LIST_ID --reason TEXT

A new draft of the list whose entries are exactly those of an exported version, in its
order. Items are matched by key; every unknown key is named by its row and nothing is
written. All of it runs in one transaction through the catalogue services, so a refusal
on any row (e.g. an item that may not go on this kind of list) leaves no draft behind.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue import exports, services
from yinzheng.catalogue.models import CatalogueList, Item, ListVersion
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "由导出的 JSON 文件新建清单草稿版本（按标识匹配证明事项；有误则不写入任何内容）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help=_("catalogue-export 导出的 JSON 文件")
        )
        parser.add_argument(
            "--list", type=int, required=True, dest="list_id", help=_("清单编号（ID）")
        )
        parser.add_argument("--reason", required=True, help=_("调整原因"))
        parser.add_argument("--source-document", default="", help=_("来源文件"))

    def handle(self, *args, file: Path, list_id: int, reason: str, **options):
        if not CatalogueList.objects.filter(pk=list_id).exists():
            raise CommandError(f"清单 {list_id} 不存在")
        try:
            text = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from exc
        try:
            rows = exports.read_entries(text)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        known = set(
            Item.objects.filter(key__in=[r.item_key for r in rows]).values_list(
                "key", flat=True
            )
        )
        unknown = [r for r in rows if r.item_key not in known]
        if unknown:
            raise CommandError(
                "未导入任何内容。以下证明事项不存在：\n"
                + "\n".join(f"  {r.label()}" for r in unknown)
            )
        try:
            version = _import(
                rows=rows,
                list_id=list_id,
                reason=reason,
                source_document=options["source_document"],
            )
        except DomainError as exc:
            raise CommandError(f"未导入任何内容。{exc.message}") from exc
        self.stdout.write(
            f"已新建清单 {list_id} 第 {version.number} 版草稿（{len(rows)} 项）；"
            "须经批准、公布后生效"
        )


class _RowRefused(DomainError):
    pass


@transaction.atomic
def _import(
    *,
    rows: list[exports.ImportRow],
    list_id: int,
    reason: str,
    source_document: str,
) -> ListVersion:
    # A command acts as the system (actor None), like the other operator commands.
    version = services.version_draft(
        actor=SYSTEM, list_id=list_id, reason=reason, source_document=source_document
    )
    # The draft starts from the published entries; keep those that already sit in
    # the file's order with the same note, take out the rest and append what is missing.
    wanted = [(r.item_key, r.note) for r in rows]
    position = 0
    for key, note in version.entries.order_by("number").values_list(
        "item__key", "note"
    ):
        if position < len(wanted) and wanted[position] == (key, note):
            position += 1
        else:
            services.version_remove_item(
                actor=SYSTEM, version_id=version.pk, item_key=key
            )
    for row in rows[position:]:
        try:
            services.version_add_item(
                actor=SYSTEM,
                version_id=version.pk,
                item_key=row.item_key,
                note=row.note,
            )
        except DomainError as exc:
            raise _RowRefused(
                f"{row.label()}：{exc.message}", code=exc.code, detail=exc.detail
            ) from exc
    return version
