"""Encryption at rest under the installation's master key (settings.MASTER_KEY).

One primitive for everything the database keeps sealed: the e-seal private keys
(esign.keys) and the personal data the registers refer to (ledger.personal). AES-256-GCM
with a fresh 96-bit nonce per value; the caller's `context` (a row's key id, a datum's
reference) is bound as associated data, so a sealed value cannot be moved onto another
row. Each sealed value records the id of the master key (the first 16 hex digits of its
SHA-256), so a rotation can find what it has not re-sealed yet.
"""

import base64
import hashlib
import os
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import Conflict, CoreCode

NONCE_BYTES = 12


class MasterKeyInvalid(Conflict):
    code = CoreCode.MASTER_KEY_INVALID
    message = _("主密钥无效或与加密时所用的不一致")


def master(key_text: str | None = None) -> tuple[bytes, str]:
    """The 32 raw bytes of the master key (the configured one unless `key_text` is
    given) and its id."""
    text = key_text if key_text is not None else settings.MASTER_KEY
    try:
        raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    except ValueError as exc:
        raise MasterKeyInvalid() from exc
    if len(raw) != 32:
        raise MasterKeyInvalid("YINZHENG_MASTER_KEY must be 32 bytes, base64url")
    return raw, hashlib.sha256(raw).hexdigest()[:16]


def seal(
    plaintext: bytes, context: str, key_text: str | None = None
) -> tuple[bytes, str]:
    """`plaintext` encrypted (nonce ‖ ciphertext ‖ tag) and the master key's id."""
    raw, master_id = master(key_text)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(raw).encrypt(nonce, plaintext, context.encode()), master_id


def unseal(
    blob: bytes, context: str, master_id: str, key_text: str | None = None
) -> bytes:
    """The plaintext of a value `seal` made under the master key `master_id` for the
    same `context`; MasterKeyInvalid when the key differs or the value was altered."""
    raw, configured_id = master(key_text)
    if master_id != configured_id:
        raise MasterKeyInvalid(
            f"{context} was sealed under master key {master_id}, "
            f"not the configured {configured_id}"
        )
    blob = bytes(blob)
    try:
        return AESGCM(raw).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()
        )
    except InvalidTag as exc:
        raise MasterKeyInvalid(f"{context}: the sealed value was altered") from exc


def reseal(
    rows: Iterable[Any],
    *,
    field: str,
    context: Callable[[Any], str],
    old_key: str,
    new_key: str,
) -> int:
    """Rotate the master key for `rows` (model instances, locked by the caller): each
    one's sealed `field` opened with the old key and sealed again with the new one,
    its master_key_id updated. Rows already under the new key are the caller's to
    leave out, so an interrupted rotation can simply run again."""
    count = 0
    for row in rows:
        where = context(row)
        plain = unseal(bytes(getattr(row, field)), where, row.master_key_id, old_key)
        sealed, row.master_key_id = seal(plain, where, new_key)
        setattr(row, field, sealed)
        row.save(update_fields=[field, "master_key_id"])
        count += 1
    return count
