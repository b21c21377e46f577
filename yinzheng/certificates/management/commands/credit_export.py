"""yinzheng credit-export [--under CODE] [--dry-run] [--timeout S] [--json] [--enqueue]

Sends the credit records of false commitments waiting in the queue (and those that
failed before) to the credit-information sharing platform configured for each
committee's jurisdiction (REQ-084, REQ-086). Run it from cron; it exits 1 when any
submission failed, so the failure can alert someone. With --enqueue and
YINZHENG_TASKS=database it queues the run for a `yinzheng db_worker` process instead
(certificates.tasks), once while one is still waiting.
"""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yinzheng.certificates import services
from yinzheng.core import tasks
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.management.base import BaseCommand
from yinzheng.divisions.models import Division

LABELS = {
    "sent": "已报送",
    "acknowledged": "已报送，平台已确认",
    "failed": "报送失败",
    "no_platform": "未配置或未启用平台，仍在排队",
    "would_send": "将报送（试运行，未发送）",
}


class Command(BaseCommand):
    help = gettext_noop(
        "把待报送（及此前失败）的信用记录以 JSON POST 到各辖区配置的信用信息共享平台；"
        "有报送失败时以状态码 1 退出，适合定时运行"
    )

    def add_arguments(self, parser):
        parser.add_argument("--under", help=_("只报送此区划代码之下的信用记录"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只列出将发往何处，不发送、不记录")
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=services.DEFAULT_TIMEOUT,
            help=_("每次请求的超时秒数（默认 10）"),
        )
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=_(
                "排队，由 yinzheng db_worker 进程报送（YINZHENG_TASKS=database；"
                "默认立即报送）"
            ),
        )

    def handle(self, *args, under, dry_run: bool, timeout: float, **options):
        if timeout <= 0:
            raise CommandError("--timeout 须大于 0")
        if options.get("enqueue") and tasks.queued():
            self._enqueue(under=under, dry_run=dry_run, timeout=timeout)
            return
        try:
            outcomes = services.credit_export(
                actor=SYSTEM, under=under, dry_run=dry_run, timeout=timeout
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        failed = [o for o in outcomes if o.outcome == "failed"]
        if options.get("json"):
            self.stdout.write(
                json.dumps(
                    {
                        "dry_run": dry_run,
                        "outcomes": [o.as_dict() for o in outcomes],
                        "failed": len(failed),
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for o in outcomes:
                target = f" → {o.platform} {o.endpoint}" if o.endpoint else ""
                detail = f"（{o.detail}）" if o.detail else ""
                self.stdout.write(
                    f"报送 {o.submission_id}：{LABELS.get(o.outcome, o.outcome)}"
                    f"{target}{detail}"
                )
            self.stdout.write(
                f"共 {len(outcomes)} 条，失败 {len(failed)} 条"
                + ("（试运行）" if dry_run else "")
            )
        if failed:
            raise SystemExit(1)

    def _enqueue(self, *, under: str | None, dry_run: bool, timeout: float) -> None:
        from yinzheng.certificates.tasks import export_credit

        if under and not Division.objects.filter(code=under).exists():
            raise CommandError(f"区划不存在：{under}")
        waiting = tasks.waiting(export_credit, under=under, dry_run=dry_run)
        if waiting is not None:
            self.stdout.write(f"已有排队的报送任务 {waiting.pk}，未重复排队")
            return
        result = export_credit.enqueue(
            under=under, dry_run=dry_run, timeout=timeout, actor=None
        )
        self.stdout.write(f"已排队报送任务 {result.id}（yinzheng task-result 查看）")
