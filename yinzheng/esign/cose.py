"""COSE_Sign1 with ES256 (RFC 9052 §4.2, §4.4; RFC 9053 §2.1), on cbor2 and cryptography.

pycose 1.1.0 (its last release, 2023) pulls in the pure-Python `ecdsa` package and the
unmaintained `certvalidator`; the part needed here is small and exactly specified:

    COSE_Sign1 = 18([protected: bstr .cbor {1: -7, 4: kid, ? 3: content type},
                     unprotected: {},
                     payload: bstr, signature: bstr (r || s, 32 bytes each)])
    ToBeSigned = ["Signature1", protected, external_aad (b""), payload]

The RFC's own example (Appendix C.2.1) verifies with this code (tests/test_token.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

TAG_SIGN1 = 18
HEADER_ALG = 1
HEADER_CONTENT_TYPE = 3
HEADER_KID = 4
ES256 = -7


class CoseError(ValueError):
    pass


@dataclass(frozen=True)
class Sign1:
    protected_raw: bytes
    protected: dict
    unprotected: dict
    payload: bytes
    signature: bytes

    @property
    def kid(self) -> bytes | None:
        kid = self.protected.get(HEADER_KID, self.unprotected.get(HEADER_KID))
        return bytes(kid) if isinstance(kid, bytes) else None

    @property
    def alg(self) -> Any:
        return self.protected.get(HEADER_ALG)

    @property
    def content_type(self) -> Any:
        return self.protected.get(HEADER_CONTENT_TYPE)


def to_be_signed(
    protected_raw: bytes, payload: bytes, external_aad: bytes = b""
) -> bytes:
    return cbor2.dumps(["Signature1", protected_raw, external_aad, payload])


def sign1(
    payload: bytes,
    *,
    kid: bytes,
    private_key: ec.EllipticCurvePrivateKey,
    content_type: str | None = None,
) -> bytes:
    header: dict[int, object] = {HEADER_ALG: ES256, HEADER_KID: kid}
    if content_type is not None:
        header[HEADER_CONTENT_TYPE] = content_type
    protected_raw = cbor2.dumps(header, canonical=True)
    der = private_key.sign(
        to_be_signed(protected_raw, payload), ec.ECDSA(hashes.SHA256())
    )
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return cbor2.dumps(
        cbor2.CBORTag(TAG_SIGN1, [protected_raw, {}, payload, signature])
    )


def decode(data: bytes) -> Sign1:
    try:
        item = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several error types on garbage
        raise CoseError("not CBOR") from exc
    if isinstance(item, cbor2.CBORTag):
        if item.tag != TAG_SIGN1:
            raise CoseError(f"CBOR tag {item.tag} is not COSE_Sign1")
        item = item.value
    # cbor2 decodes the arrays and maps inside a tag as tuples and frozendicts.
    if not (isinstance(item, list | tuple) and len(item) == 4):
        raise CoseError("COSE_Sign1 is an array of four")
    protected_raw, unprotected, payload, signature = item
    if not (
        isinstance(protected_raw, bytes)
        and isinstance(unprotected, Mapping)
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
    ):
        raise CoseError("COSE_Sign1 members have the wrong types")
    try:
        protected = cbor2.loads(protected_raw) if protected_raw else {}
    except Exception as exc:
        raise CoseError("protected header is not CBOR") from exc
    if not isinstance(protected, Mapping):
        raise CoseError("protected header is not a map")
    return Sign1(protected_raw, dict(protected), dict(unprotected), payload, signature)


def verify(message: Sign1, public_key: ec.EllipticCurvePublicKey) -> bool:
    """True when the ES256 signature over the message holds for `public_key`."""
    if message.alg != ES256 or len(message.signature) != 64:
        return False
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
        public_key.curve, ec.SECP256R1
    ):
        return False
    r = int.from_bytes(message.signature[:32], "big")
    s = int.from_bytes(message.signature[32:], "big")
    try:
        public_key.verify(
            encode_dss_signature(r, s),
            to_be_signed(message.protected_raw, message.payload),
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, ValueError):
        return False
    return True
