"""A certificate's QR token as the server makes and checks it (issue 14): the format-2
token signed with the seal's key, the address the QR holds, and the holder's name,
which the token no longer carries.

The name is checked online only. What the server keeps is a keyed HMAC of the
normalised name, bound to the serial (so one holder's certificates cannot be linked by
it), under a key derived (HKDF-SHA256) from the installation's verification secret,
which is kept sealed under the master key (keys.installation_secret): a copy of the
database without the master key confirms no name, and the public page's checks
are rate-limited per address and per certificate and journaled (verification.py).

The stored form fits SignedDocument's two existing fields: `name_salt` holds
"hmac:" + the secret's id, `name_hash` the HMAC in hex. A format-1 document keeps its
random salt there and the SHA-256 the token carries. Rotating the master key re-seals
the secret without changing it, so tags and check codes outlive it; a tag made under
another secret answers "cannot confirm" (None), never "does not match".

A paper certificate's token (issue 14, deliverable 4) is made here too, signed with its
township's issuing-authority key (`make_token(..., paper=True)`); its SignedDocument
names that key as its `seal_key` (`is_paper`).

The check code (核验码) printed beside every certificate's serial lets a person verify
a certificate by typing two short texts instead of scanning: eight characters of
Crockford's base32 (digits and capitals without I, L, O, U, so they can be read aloud),
the first 40 bits of a keyed HMAC-SHA256 of the serial under a key derived from the
same secret as the name key. The serial alone (guessable, sequential) answers nothing
on the public page; serial and code together are as good as the token. A rotation of
the master key leaves every printed code valid.
"""

import datetime as dt
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from . import keys, pki, tokens
from .choices import KeyPurpose
from .models import KeyPair, SignedDocument

TAG_PREFIX = "hmac:"
_NAME_INFO = b"yinzheng/esign/holder-name/1"
_CLIENT_INFO = b"yinzheng/esign/verifier-address/1"
_CHECK_INFO = b"yinzheng/esign/check-code/1"
# Crockford's base32: no I, L, O, U; read back with O as 0 and I, L as 1.
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_LENGTH = 8
_CHECK_READ = str.maketrans({"O": "0", "I": "1", "L": "1"})


def cert_kid(key: KeyPair) -> str:
    """The format-2 kid of a seal key (hex): from its certificate's DER."""
    return tokens.cert_kid(pki.certificate_der(key)).hex()


def make_token(
    key: KeyPair,
    *,
    serial: str,
    committee: str,
    issue_date: dt.date,
    at: dt.datetime,
    expires: dt.datetime | None = None,
    paper: bool = False,
) -> str:
    """The format-2 token of a certificate, signed with its seal's key; for a paper
    certificate (`paper`), with its township's issuing-authority key."""
    claims = tokens.new_claims_v2(
        serial=serial,
        committee=committee,
        issued=issue_date,
        at=at,
        expires=expires,
        paper=paper,
    )
    return tokens.encode(
        claims, kid_hex=cert_kid(key), private_key=keys.private_key(key)
    )


def address(token: str) -> str:
    """What the certificate's QR code holds: the public page's address, upper case."""
    return tokens.qr_address(settings.PUBLIC_URL, token)


def is_paper(doc: SignedDocument) -> bool:
    """Whether `doc` is a paper certificate's: its token is signed by the township's
    issuing authority, not by a seal (the key a seal signs with is a seal key)."""
    return doc.seal_key.purpose == KeyPurpose.AUTHORITY


def _derived(info: bytes) -> tuple[bytes, str]:
    """A key for `info`, from the installation's verification secret (sealed under
    the master key, stable across its rotation: keys.installation_secret), and the
    secret's id."""
    raw, secret_id = keys.installation_secret("verification")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)
    return key, secret_id


def _name_mac(key: bytes, serial: str, name: str) -> str:
    message = serial.encode() + b"\x00" + tokens.normalise_name(name).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def name_tag(*, serial: str, name: str) -> tuple[str, str]:
    """(name_salt, name_hash) to store for a format-2 certificate."""
    key, secret_id = _derived(_NAME_INFO)
    return TAG_PREFIX + secret_id, _name_mac(key, serial, name)


def name_matches(doc: SignedDocument, name: str) -> bool | None:
    """Whether `name` is the holder's; None when it cannot be told (the tag was made
    under a master key since rotated)."""
    if not tokens.normalise_name(name or ""):
        return False
    if not doc.name_salt.startswith(TAG_PREFIX):  # format 1: the token's salted hash
        claims = tokens.parse(doc.token).claims
        return tokens.name_matches(claims, name)
    key, secret_id = _derived(_NAME_INFO)
    if doc.name_salt != TAG_PREFIX + secret_id:
        return None
    return hmac.compare_digest(_name_mac(key, doc.serial, name), doc.name_hash)


def check_code(serial: str) -> str:
    """The check code printed beside `serial`: eight Crockford base32 characters in
    two groups of four, e.g. "7K3M-Q9XD"."""
    key, _secret_id = _derived(_CHECK_INFO)
    mac = hmac.new(key, serial.strip().encode(), hashlib.sha256).digest()
    bits = int.from_bytes(mac[:5], "big")  # 40 bits, eight characters
    chars = "".join(CHECK_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_check_code(text: str) -> str:
    """What a person typed, as the eight characters: case, spaces and hyphens do not
    matter, O reads as 0 and I, L as 1; "" when it cannot be a check code."""
    chars = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    chars = chars.translate(_CHECK_READ)
    if len(chars) != CHECK_LENGTH or any(c not in CHECK_ALPHABET for c in chars):
        return ""
    return chars


def check_code_matches(serial: str, code: str) -> bool:
    typed = normalise_check_code(code)
    expected = check_code(serial).replace("-", "")
    return hmac.compare_digest(typed.encode(), expected.encode()) and bool(typed)


def client_tag(address: str) -> str:
    """A verifier's address as the journal keeps it: keyed, shortened, so repeated
    guesses from one place show without the journal holding addresses."""
    key, _secret_id = _derived(_CLIENT_INFO)
    return hmac.new(key, (address or "-").encode(), hashlib.sha256).hexdigest()[:16]
