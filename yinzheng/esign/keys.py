"""Key generation, encryption at rest and signatures.

Private keys are ECDSA P-256 (accepted by PAdES validators and by COSE), serialised as
PKCS#8 and sealed with AES-256-GCM under the master key (settings.MASTER_KEY, from
YINZHENG_MASTER_KEY). The key's id binds the ciphertext (associated data), so a sealed key
cannot be moved onto another row. Rotating the master key re-seals every row
(`reseal_all`).

With an HSM configured (settings.PKCS11_MODULE; hsm.py), the keys of roots, townships
and seals are made in the token instead and never leave it: the row keeps the public key
and the token's label (`hsm_label`), and `private_key` returns a key object whose
signatures the token makes. Timestamp-authority keys stay in the database.

`destroy_private` erases a key's private half for good (a destroyed seal's): the sealed
bytes are blanked on the row, or the token's object destroyed; the public key and the
certificate stay, so what it signed still verifies. It signs nothing afterwards.
"""

import base64
import hashlib
import logging
import os
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from yinzheng.core import clock, masterkey
from yinzheng.core.db import unique_row
from yinzheng.core.errors import Conflict
from yinzheng.core.masterkey import MasterKeyInvalid

from . import hsm
from .choices import KeyPurpose
from .errors import EsignCode
from .models import InstallationSecret, KeyPair

logger = logging.getLogger(__name__)

__all__ = ["MasterKeyInvalid"]


def _seal(
    private_der: bytes, key_id: str, master: str | None = None
) -> tuple[bytes, str]:
    return masterkey.seal(private_der, key_id, master)


def _unseal(row: KeyPair, master: str | None = None) -> bytes:
    return masterkey.unseal(
        bytes(row.private_key_encrypted), row.key_id, row.master_key_id, master
    )


# The keys made in the HSM when one is configured; a TSA key is loaded by tsa.py itself.
HSM_PURPOSES = frozenset({KeyPurpose.ROOT, KeyPurpose.AUTHORITY, KeyPurpose.SEAL})


class KeyDestroyed(Conflict):
    code = EsignCode.KEY_DESTROYED
    message = gettext_lazy("该密钥的私钥已销毁，不能再签名")


class KeyInHsm(Conflict):
    code = EsignCode.KEY_IN_HSM
    message = gettext_lazy("该密钥的私钥保存在 HSM 中，不能导出")


def key_id_of(public_pem: str) -> str:
    """A key's id: the SHA-256 of its public key's PEM, in hex."""
    return hashlib.sha256(public_pem.encode()).hexdigest()


def generate(*, division_code: str, purpose: str) -> KeyPair:
    if purpose in HSM_PURPOSES and hsm.configured():
        public_pem, key_id = hsm.generate(key_id_of)
        return KeyPair.objects.create(
            division_id=division_code,
            purpose=purpose,
            key_id=key_id,
            kid=key_id[:16],
            public_key_pem=public_pem,
            private_key_encrypted=b"",
            master_key_id="",
            hsm_label=key_id,
        )
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = (
        private.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )
    key_id = key_id_of(public_pem)
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    sealed, master_id = _seal(der, key_id)
    return KeyPair.objects.create(
        division_id=division_code,
        purpose=purpose,
        key_id=key_id,
        kid=key_id[:16],
        public_key_pem=public_pem,
        private_key_encrypted=sealed,
        master_key_id=master_id,
    )


def authority_key(township_code: str) -> KeyPair:
    """The township's active issuing-authority key, created on first use."""
    return active_key(township_code, KeyPurpose.AUTHORITY)


def timestamp_key(county_code: str) -> KeyPair:
    """The county's active timestamp-authority key (RFC 3161), created on first use."""
    return active_key(county_code, KeyPurpose.TSA)


def active_key(division_code: str, purpose: str) -> KeyPair:
    """The division's one active key for `purpose` (not for seals, which have one
    each), created on first use; two first uses at once leave one, the database's
    unique constraint decides."""
    row = unique_row(
        KeyPair.objects.filter(
            division_id=division_code, purpose=purpose, retired_at__isnull=True
        )
    )
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return generate(division_code=division_code, purpose=purpose)
    except IntegrityError:  # another request created it first
        return KeyPair.objects.get(
            division_id=division_code, purpose=purpose, retired_at__isnull=True
        )


def require_private(row: KeyPair) -> None:
    """Refuse a key whose private half was destroyed (KeyDestroyed)."""
    if row.private_key_destroyed_at is not None:
        raise KeyDestroyed(
            detail={
                "key": row.key_id,
                "destroyed_at": row.private_key_destroyed_at.isoformat(),
            }
        )


def private_key(row: KeyPair) -> Any:
    """The key to sign with: decrypted from the row, or the token's (hsm.py)."""
    require_private(row)
    if row.hsm_label:
        return hsm.HsmPrivateKey(row.hsm_label, row.public_key_pem)
    return serialization.load_der_private_key(_unseal(row), password=None)


def private_key_der(row: KeyPair) -> bytes:
    """The PKCS#8 DER of the private key, decrypted (for pyHanko's signer); an HSM key
    has none (KeyInHsm): sign through the token instead."""
    require_private(row)
    if row.hsm_label:
        raise KeyInHsm(detail={"key": row.key_id})
    return _unseal(row)


def destroy_private(row: KeyPair) -> str:
    """Erase the private half of `row` for good: the token's object when it is in the
    HSM ("hsm"), else the sealed bytes on the row ("database"). The caller holds the
    row's lock; the public key and the certificate stay.

    The row is marked destroyed in the caller's transaction, so nothing signs with it
    from then on; the token's object goes once that transaction commits, never before
    (a destruction rolled back must not have taken the key). Should the token refuse
    then, the object is orphaned but unusable, and is logged for the operator."""
    where = "hsm" if row.hsm_label else "database"
    if row.hsm_label:
        label = row.hsm_label
        transaction.on_commit(lambda: _destroy_in_token(label))
    row.private_key_encrypted, row.master_key_id = b"", ""
    row.private_key_destroyed_at = clock.now()
    row.save(
        update_fields=[
            "private_key_encrypted",
            "master_key_id",
            "private_key_destroyed_at",
        ]
    )
    return where


def _destroy_in_token(label: str) -> None:
    try:
        hsm.destroy(label)
    except Exception:  # after commit there is nothing to roll back: tell the operator
        logger.exception("HSM: the destroyed key %s is still in the token", label)


def sign(row: KeyPair, data: bytes) -> str:
    signature = private_key(row).sign(data, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(signature).decode()


def verify(public_key_pem: str, data: bytes, signature_b64: str) -> bool:
    public = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return False
    try:
        public.verify(base64.b64decode(signature_b64), data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


@transaction.atomic
def reseal_all(*, old_master: str, new_master: str) -> int:
    """Rotate the master key: decrypt every private key with the old one and seal it
    with the new one, in one transaction. Rows already under the new key are left as
    they are, so an interrupted rotation can be run again; so are keys in the HSM and
    destroyed ones, which have nothing sealed."""
    _raw, new_id = masterkey.master(new_master)
    return masterkey.reseal(
        KeyPair.objects.select_for_update()
        .exclude(master_key_id=new_id)
        .filter(hsm_label="", private_key_destroyed_at__isnull=True),
        field="private_key_encrypted",
        context=lambda row: row.key_id,
        old_key=old_master,
        new_key=new_master,
    )


# Installation secrets (issue 14) ---------------------------------------------------

_opened: dict[bytes, bytes] = {}


def installation_secret(name: str) -> tuple[bytes, str]:
    """The installation's random secret `name` (32 bytes), made on first use and kept
    sealed under the master key, and its id (the first 16 hex digits of its SHA-256).

    Read from the database each time (one indexed row), so what is used is always
    the stored secret: one made in a transaction that rolls back is gone with
    everything made with it and is never used again. Only the decryption is cached,
    by the sealed bytes."""
    row = unique_row(InstallationSecret.objects.filter(name=name))
    if row is None:
        try:
            with transaction.atomic():
                blob, sealed_under = masterkey.seal(os.urandom(32), f"secret:{name}")
                row = InstallationSecret.objects.create(
                    name=name, sealed=blob, master_key_id=sealed_under
                )
        except IntegrityError:  # another process made it first
            row = InstallationSecret.objects.get(name=name)
    blob = bytes(row.sealed)
    raw = _opened.get(blob)
    if raw is None:
        raw = masterkey.unseal(blob, f"secret:{name}", row.master_key_id)
        _opened[blob] = raw
    return raw, hashlib.sha256(raw).hexdigest()[:16]


@transaction.atomic
def reseal_secrets(*, old_master: str, new_master: str) -> int:
    """Re-seal the installation secrets under the new master key (their values, and
    so every code derived from them, stay the same)."""
    _raw, new_id = masterkey.master(new_master)
    return masterkey.reseal(
        InstallationSecret.objects.select_for_update().exclude(master_key_id=new_id),
        field="sealed",
        context=lambda row: f"secret:{row.name}",
        old_key=old_master,
        new_key=new_master,
    )
