"""The supervision scan as tasks, one per county (issue 15; settings.TASKS): `yinzheng
supervision scan --enqueue` queues them, and with YINZHENG_TASKS=database the
`yinzheng db_worker` processes on any node share the counties out."""

import datetime as dt

from django_tasks import task

from yinzheng.core.actors import SYSTEM

from .services import alerts


@task()
def scan_county(county: str, since: str | None, until: str | None) -> dict:
    """Scan one county's registers (services.scan); the counts, as the command prints
    them with --json."""
    result = alerts.scan(
        actor=SYSTEM,
        county_codes=[county],
        since=dt.date.fromisoformat(since) if since else None,
        until=dt.date.fromisoformat(until) if until else None,
    )
    return {
        "raised": result.raised,
        "refreshed": result.refreshed,
        "unchanged": result.unchanged,
        "by_kind": {str(k): n for k, n in sorted(result.by_kind.items()) if n},
    }
