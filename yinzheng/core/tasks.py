"""Long work as tasks (issue 15; settings.TASKS): what the tasks of every app share.

Inline (the default, one process) a task runs in the request or command that asks for
it, and the pages and commands keep today's behaviour: they call the service at once.
With YINZHENG_TASKS=database a task is a row of `django_tasks_db_dbtaskresult` that a
`yinzheng db_worker` process on any node takes; the row is what the pages and
`yinzheng task-result` show while it waits, runs, fails (the error is kept on it) or
succeeds (its return value).

A task's arguments are plain JSON: the actor travels as a user id, None for the system
(`actor_of`). An export the worker builds is stored through Django's default storage
(the object store when configured) under `exports/`, and its return value names the
file (`export_store`); whoever asked downloads it later through a page that checks it
is theirs.
"""

import hashlib
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from . import uploads
from .actors import SYSTEM, SystemActor
from .errors import DomainError

# Statuses of a task row that has not finished.
WAITING = ("READY", "RUNNING")


def queued() -> bool:
    """Whether tasks go to workers (YINZHENG_TASKS=database), not run at once."""
    return not isinstance(task_backends["default"], ImmediateBackend)


def actor_id(actor: Any) -> int | None:
    """The actor as a task argument: the user's id, None for the system."""
    return None if isinstance(actor, SystemActor) else actor.pk


def actor_of(user_id: int | None) -> Any:
    """The actor a task acts as: the user who asked (as they are now: a role taken
    back meanwhile is refused by the policy), or the system."""
    if user_id is None:
        return SYSTEM
    return get_user_model().objects.get(pk=user_id)


def _path(task: Any) -> str:
    return str(task.module_path)


def rows(task: Any, **kwargs: Any) -> Any:
    """The rows of `task` called with these keyword arguments (those given must
    equal, by JSON key in SQL; others may be anything), newest first. Empty inline,
    where nothing is kept."""
    from django_tasks_db.models import DBTaskResult

    if not queued():
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(
        task_path=_path(task),
        **{f"args_kwargs__kwargs__{key}": value for key, value in kwargs.items()},
    ).order_by("-enqueued_at", "-id")


def latest(task: Any, **kwargs: Any) -> Any | None:
    """The newest row of `task` called with these keyword arguments, or None."""
    return rows(task, **kwargs).first()


def waiting(task: Any, **kwargs: Any) -> Any | None:
    """The row of `task` with these arguments still queued or running, or None."""
    row = latest(task, **kwargs)
    return row if row is not None and row.status in WAITING else None


def get(task: Any, result_id: str) -> Any | None:
    """The row `result_id` of `task`, or None (another task's, or none at all)."""
    if not queued():
        return None
    from django_tasks_db.models import DBTaskResult

    try:
        pk = uuid.UUID(str(result_id))
    except ValueError:
        return None
    return DBTaskResult.objects.filter(pk=pk, task_path=_path(task)).first()


def failure(row: Any) -> str:
    """Why a task failed, for the person who asked: a rule's message (a DomainError,
    e.g. a role taken back before the worker ran), else that the work failed, with the
    exception's name and the task to look up (`yinzheng task-result` shows all)."""
    if _is_domain_error(row.exception_class_path):
        last = (row.traceback or "").strip().splitlines()[-1:] or [""]
        return last[0].partition(": ")[2].strip()
    return _("后台任务出错（%(error)s），请联系管理员查看任务 %(task)s") % {
        "error": row.exception_class_path.rpartition(".")[2] or "?",
        "task": row.pk,
    }


def _is_domain_error(path: str) -> bool:
    try:
        found = import_string(path)
    except ImportError:
        return False
    return isinstance(found, type) and issubclass(found, DomainError)


def export_store(*, content: bytes, filename: str, rows: int) -> dict[str, Any]:
    """Keep an export a worker built, for a later download: its return value."""
    stored = uploads.ascii_filename(filename, fallback="export")
    name = default_storage.save(
        f"exports/{uuid.uuid4().hex}/{stored}", ContentFile(content)
    )
    return {
        "file": name,
        "filename": filename,
        "rows": rows,
        "bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def export_read(result: dict[str, Any]) -> bytes:
    """The bytes of an export `export_store` kept."""
    with default_storage.open(result["file"], "rb") as handle:
        return bytes(handle.read())
