"""Canonical encoding and hashing of journal entries.

UTF-8 JSON with sorted keys, no insignificant white space and no ASCII escaping; dates
as ISO 8601 strings. The hash input is the canonical encoding of
{"chain", "seq", "prev", "at", "body"} where body is already canonical text.
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot encode {type(value).__name__} in a journal entry")


def canonical(value: Any) -> str:
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_default,
        allow_nan=False,
    )


def entry_hash(*, chain: str, seq: int, prev: str, at: str, body: str) -> str:
    material = canonical(
        {"chain": chain, "seq": seq, "prev": prev, "at": at, "body": body}
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
