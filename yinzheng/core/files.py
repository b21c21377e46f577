"""SHA-256 of uploaded and stored files: what approvals bind and archives sign."""

import hashlib
from typing import Any


def upload_sha256(upload: Any) -> str:
    """Hash an uploaded (or in-memory) file chunk by chunk, then rewind it for saving."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def stored_bytes(field: Any) -> bytes:
    """A stored file field's content (b"" when there is none)."""
    if not field:
        return b""
    with field.open("rb") as fh:
        return fh.read()


def stored_sha256(field: Any) -> str | None:
    """Hash a stored file field's content now; None when the file is missing."""
    try:
        with field.open("rb") as fh:
            digest = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, ValueError):
        return None
