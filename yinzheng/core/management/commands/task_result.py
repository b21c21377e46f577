"""yinzheng task-result ID [--output FILE] [--json]

What became of a queued task (YINZHENG_TASKS=database; issue 15): waiting, running,
failed with its error, or done with its result; `--output` writes the file an export
task stored. Exits 1 when the task failed, 2 while it has not finished.
"""

import json
import uuid
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.core import tasks
from yinzheng.core.management.base import BaseCommand

STATUS = {
    "READY": "排队中",
    "RUNNING": "执行中",
    "SUCCESSFUL": "已完成",
    "FAILED": "失败",
}


class Command(BaseCommand):
    help = gettext_noop(
        "查看排队任务的状态与结果（YINZHENG_TASKS=database）；--output 写出导出任务"
        "生成的文件；任务失败时以状态码 1 退出，尚未完成时以 2 退出"
    )

    def add_arguments(self, parser):
        parser.add_argument("id", help=_("任务编号（--enqueue 时打印）"))
        parser.add_argument("--output", help=_("把导出任务生成的文件写入此处"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def handle(self, *args, id: str, output: str | None, **options):
        if not tasks.queued():
            raise CommandError("任务立即执行（YINZHENG_TASKS=inline），不保留任务记录")
        from django_tasks_db.models import DBTaskResult

        try:
            row = DBTaskResult.objects.filter(pk=uuid.UUID(id.strip())).first()
        except ValueError:
            row = None
        if row is None:
            raise CommandError(f"没有这个任务：{id}")
        # The command is for the operator: the exception itself, not the wording
        # the pages show.
        error = (
            (row.traceback or "").strip().splitlines()[-1]
            if row.status == "FAILED" and row.traceback
            else ""
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "id": str(row.pk),
                        "task": row.task_path,
                        "status": row.status,
                        "enqueued_at": row.enqueued_at.isoformat(),
                        "finished_at": row.finished_at.isoformat()
                        if row.finished_at
                        else None,
                        "result": row.return_value,
                        "error": error,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            self.stdout.write(f"{row.task_name}：{STATUS.get(row.status, row.status)}")
            if error:
                self.stdout.write(f"错误：{error}")
            elif row.status == "SUCCESSFUL":
                self.stdout.write(json.dumps(row.return_value, ensure_ascii=False))
        if row.status == "FAILED":
            raise SystemExit(1)
        if row.status != "SUCCESSFUL":
            raise SystemExit(2)
        if output:
            result = row.return_value
            if not isinstance(result, dict) or "file" not in result:
                raise CommandError("这个任务没有生成文件")
            try:
                Path(output).write_bytes(tasks.export_read(result))
            except OSError as exc:
                raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from exc
            self.stdout.write(f"已写入 {output}（{result['bytes']} 字节）")
