"""The credit export as a task (issue 15; settings.TASKS): `yinzheng credit-export
--enqueue` queues it, and with YINZHENG_TASKS=database a `yinzheng db_worker` process on
any node sends the records. Each submission is still sent once (one row lock each,
skipped when another run holds it); the outcome of each stays on its row, as the pages
show it, and the run's list is the task's result."""

from typing import Any

from django_tasks import task

from yinzheng.core import tasks

from . import services


@task()
def export_credit(
    *, under: str | None, dry_run: bool, timeout: float, actor: int | None
) -> dict[str, Any]:
    """services.credit_export as the actor who asked (the system for the cron job);
    what the command prints with --json."""
    outcomes = services.credit_export(
        actor=tasks.actor_of(actor), under=under, dry_run=dry_run, timeout=timeout
    )
    return {
        "dry_run": dry_run,
        "outcomes": [o.as_dict() for o in outcomes],
        "failed": sum(o.outcome == "failed" for o in outcomes),
    }
