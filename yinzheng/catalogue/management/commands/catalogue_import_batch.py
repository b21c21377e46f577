import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.catalogue.services.batches import national_batch_import
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_noop(
        "导入国家后续批次负面清单（JSON，格式同第一批，另含 list.valid_from 与 "
        "approval），并为仍列有这些事项的正面清单建立跟进任务"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("批次的 JSON 文件"))

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from exc
        try:
            version, tasks = national_batch_import(actor=SYSTEM, data=data)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"已公布《{version.catalogue_list.title}》，{version.entries.count()} 项；"
            f"建立跟进任务 {len(tasks)} 个"
        )
        announcement = getattr(version, "announcement", None)
        if announcement is not None:
            self.stdout.write(
                f"已发布公告 {announcement.pk}（公开清单页和各村（居）委会待办中可见；"
                f"阅知情况：yinzheng catalogue-announcements --pending {announcement.pk}）"
            )
        for task in tasks:
            self.stdout.write(
                f"  {task.catalogue_list.owner.name}《{task.catalogue_list.title}》："
                + "、".join(task.item_keys)
            )
