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

# A checkpoint lists this many hex digits of each entry's hash since the one before.
DIGEST_LENGTH = 16


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


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def entry_material(*, chain: str, seq: int, prev: str, at: str, body: str) -> bytes:
    """The hash input: canonical({"chain", "seq", "prev", "at", "body"}) spelled out in
    key order, byte for byte what `canonical` gives (a test holds them equal), without
    building and sorting a dict for each of a million entries."""
    return (
        f'{{"at":{_string(at)},"body":{_string(body)},"chain":{_string(chain)},'
        f'"prev":{_string(prev)},"seq":{int(seq)}}}'
    ).encode()


def entry_hash(*, chain: str, seq: int, prev: str, at: str, body: str) -> str:
    return hashlib.sha256(
        entry_material(chain=chain, seq=seq, prev=prev, at=at, body=body)
    ).hexdigest()


def index_agrees(body: str, event: str, subject: str, actor_id: int | None) -> bool:
    """Do the entry's index columns say what its canonical body says? The body's keys
    are actor, data, event, subject in that order, and JSON strings cannot hold an
    unescaped quote, so the body must begin with the actor and end with the event and
    the subject exactly as `canonical` spells them."""
    prefix = f'{{"actor":{json.dumps(actor_id)},"data":'
    suffix = f',"event":{_string(event)},"subject":{_string(subject)}}}'
    return body.startswith(prefix) and body.endswith(suffix)
