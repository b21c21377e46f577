"""The supervision scan as tasks, one per county (issue 15; settings.TASKS): `yinzheng
supervision scan --enqueue` queues them, and with YINZHENG_TASKS=database the
`yinzheng db_worker` processes on any node share the counties out. The rectification
list's spreadsheet too (`export_items`): from the list page, or `yinzheng supervision
export-items --enqueue`, stored for a later download."""

import datetime as dt

from django_tasks import task

from yinzheng.core import clock, tasks
from yinzheng.core.actors import SYSTEM
from yinzheng.divisions.models import Division

from . import exports, selectors
from .services import alerts

EXPORT_NAME = "整改清单.xlsx"


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


@task()
def export_items(
    *,
    requested_by: int | None,
    under: str | None,
    status: str = "",
    overdue: bool = False,
    follow_up: bool = False,
) -> dict:
    """The rectification list as a spreadsheet, stored for whoever asked
    (core.tasks.export_store): an area's list in deadline order as the command
    writes it (`under`), or the list page's, with its filters, as its user sees it."""
    viewer = tasks.actor_of(requested_by)
    today = clock.today()
    if under:
        area = Division.objects.get(code=under)
        rows = list(selectors.items_of_area(viewer, area.code))
        title: str | None = f"{area.name}{exports.TITLE}"
    else:
        rows = list(
            selectors.items_listed(
                viewer, today, status=status, overdue=overdue, follow_up=follow_up
            )
        )
        title = None
    content = exports.items_workbook(rows, today, title=title)
    return tasks.export_store(content=content, filename=EXPORT_NAME, rows=len(rows))
