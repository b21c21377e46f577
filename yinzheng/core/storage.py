"""Where files live: the static files (hashed, compressed) and the private files of
the uploads and generated documents: `PrivateFileStorage` in the data folder (the
default), or `core.object_storage.PrivateS3Storage` in an S3-compatible bucket when
YINZHENG_S3_BUCKET is set (issue 15). Both remove the files of rolled-back
transactions (`RemovedOnRollback`)."""

from dataclasses import dataclass
from typing import Any

from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; before `collectstatic` has run (tests, a first
    start) the plain names are served, through the finders, instead of failing."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name


class RemovedOnRollback:
    """A storage whose files written inside a transaction that is then rolled back are
    removed (issue 13, finding 7): the write registers a commit callback, and a file
    whose callback neither ran nor is still waiting (Django drops the callbacks of a
    rolled-back block, savepoints included) belonged to a rollback. The check runs
    before every later write and when a request ends (`sweep_rolled_back`); a process
    killed mid-transaction leaves its file behind (docs/operations.md, "Files").
    Mixed in before the storage class it extends."""

    def _save(self, name: str, content: Any) -> str:
        sweep_rolled_back()
        stored: str = super()._save(name, content)  # type: ignore[misc]
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            _pending(connection).append(_Pending(self, stored))  # type: ignore[arg-type]
        return stored


class PrivateFileStorage(RemovedOnRollback, FileSystemStorage):
    """The uploads and generated documents (MEDIA_ROOT): they hold residents' names,
    ID numbers and signatures, so (issue 13, finding 7) files are readable by the
    server's user only (0600, folders 0700), whatever the umask, and a rolled-back
    transaction leaves none (`RemovedOnRollback`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)


@dataclass(eq=False)
class _Pending:
    storage: Storage
    name: str
    committed: bool = False

    def __post_init__(self) -> None:
        transaction.on_commit(self.commit)

    def commit(self) -> None:
        self.committed = True


def _pending(connection: Any) -> list[_Pending]:
    pending: list[_Pending] | None = getattr(connection, "_yinzheng_files", None)
    if pending is None:
        pending = connection._yinzheng_files = []
    return pending


def sweep_rolled_back(**_signal: Any) -> None:
    """Remove the files of this thread's rolled-back transactions (see
    `RemovedOnRollback`); keep those committed or still waiting for their commit."""
    connection = transaction.get_connection()
    pending = _pending(connection)
    if not pending:
        return
    kept = []
    for item in pending:
        if item.committed:
            continue
        if _waiting(connection, item):
            kept.append(item)
            continue
        item.storage.delete(item.name)
    pending[:] = kept


def _waiting(connection: Any, item: _Pending) -> bool:
    return any(
        getattr(func, "__self__", None) is item
        for _sids, func, _robust in connection.run_on_commit
    )
