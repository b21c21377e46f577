"""The statistics table's file as a task (issue 15; settings.TASKS): `yinzheng stats
export-table --enqueue` queues it for a `yinzheng db_worker` process, which stores the
file (core.tasks.export_store) for `yinzheng task-result ID --output FILE`."""

from typing import Any

from django_tasks import task

from yinzheng.core import tasks

from . import table_files


@task()
def export_table(*, county: str, unit: str | None, fmt: str) -> dict[str, Any]:
    """table_files.table_file, kept in the default storage."""
    made = table_files.table_file(county_code=county, unit=unit, fmt=fmt)
    return {
        **tasks.export_store(
            content=made.content,
            filename=f"{county}-{unit or 'county'}.{fmt}",
            rows=made.rows,
        ),
        "unit": made.unit,
    }
