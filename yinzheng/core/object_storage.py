"""Files in S3-compatible object storage (issue 15): the uploads and generated
documents of every app node in one bucket, so the app tier keeps no state of its own.

Used when YINZHENG_S3_BUCKET is set (settings.STORAGES["default"]); the data folder's
`core.storage.PrivateFileStorage` otherwise. Every file goes through Django's storage
API (`FieldFile.save`, `.open`, `storage.delete`), so the code that writes, hashes,
signs and serves files is the same on either.

The files are personal data, so the bucket stays private:

- objects are written with the canned ACL `private` (or with none, for a bucket whose
  ACLs are disabled and private by policy: YINZHENG_S3_ACL=none);
- nothing is served from the bucket: `url()` refuses, so no page, API answer or admin
  widget can hand out a bucket address. Downloads go through the app's own views,
  which check who may read each file and stream it (`core.uploads.serve`);
- a name is never reused: a second file under a taken name gets a new one, as on disk.
  Overwriting would let a rolled-back write (then removed, `RemovedOnRollback`) take
  the committed file of the same name with it, and would change a signed document in
  place;
- a file read is held in memory up to 8 MiB, in a temporary file
  (FILE_UPLOAD_TEMP_DIR, the system's by default) beyond, never in the data folder.
"""

from typing import Any

from storages.backends.s3 import S3Storage

from .storage import RemovedOnRollback

# Larger files spill to a temporary file while they are read.
READ_MEMORY_BYTES = 8 * 1024 * 1024


class PrivateS3Storage(RemovedOnRollback, S3Storage):
    """django-storages' S3 storage, private, never overwriting, never giving URLs."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_acl", "private")
        kwargs.setdefault("max_memory_size", READ_MEMORY_BYTES)
        kwargs["file_overwrite"] = False
        kwargs["querystring_auth"] = True
        kwargs["custom_domain"] = None
        kwargs["gzip"] = False
        super().__init__(**kwargs)

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise NotImplementedError(
            "yinzheng's files are personal data: they are served by the application's "
            "own views after a permission check, never from a bucket URL"
        )
