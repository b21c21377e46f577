"""The QR token of a certificate: COSE_Sign1 over CBOR, in Base45, behind "YZ1:".

The layout follows the EU Digital COVID Certificate ("HC1:" + Base45 of a COSE_Sign1),
without its zlib step: the payload is a serial, two codes, a date and two short hashes,
which deflate does not shrink. The claims are a CBOR map with small integer keys:

    1 serial        "620725101001-2026-000123"
    2 committee     "620725101001"
    3 item key      "residence_certificate" ("" for an item outside the catalogue)
    4 issue date    "2026-11-22"
    5 salt          8 random bytes
    6 name hash     SHA-256(salt || normalised holder name), first 12 bytes

Nothing personal is in clear: the name hash lets someone who already knows the name
confirm it, and the salt keeps one table of hashes from serving every token. A name has
little entropy, so the hash is not secrecy against someone guessing names for one token;
the public page rate-limits such guesses, an offline guesser learns no more than the
masked name the page shows anyway (design.md §4).

The protected header carries ES256 and the kid: the first 8 bytes of the seal
certificate's key id (KeyPair.kid), listed in the trust list. This module has no
database access, so the offline verifier (offline.py) can use it as it is.
"""

import datetime as dt
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

import cbor2

from . import cose
from .base45 import b45decode, b45encode

PREFIX = "YZ1:"
SALT_BYTES = 8
NAME_HASH_BYTES = 12
KID_BYTES = 8
# Characters of the Base45 alphabet a URL path may carry as they are.
_URL_SAFE = ":$*+-."
_CLAIM_KEYS = {
    1: "serial",
    2: "committee",
    3: "item",
    4: "issued",
    5: "salt",
    6: "name",
}


class TokenError(ValueError):
    """A token that cannot be read; `code` says why."""

    def __init__(self, code: str, message: str = "") -> None:
        self.code = code
        super().__init__(message or code)


@dataclass(frozen=True)
class Claims:
    serial: str
    committee: str
    item: str
    issued: dt.date
    salt: bytes
    name_hash: bytes

    def as_cbor(self) -> bytes:
        return cbor2.dumps(
            {
                1: self.serial,
                2: self.committee,
                3: self.item,
                4: self.issued.isoformat(),
                5: self.salt,
                6: self.name_hash,
            },
            canonical=True,
        )

    def public(self) -> dict:
        """What a verifier may show: no salt, no hash."""
        return {
            "serial": self.serial,
            "committee": self.committee,
            "item": self.item,
            "issued": self.issued.isoformat(),
        }


@dataclass(frozen=True)
class Parsed:
    claims: Claims
    kid: str  # hex
    message: cose.Sign1


_SPACES = re.compile(r"\s+")
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·", ".": "·"})


def normalise_name(name: str) -> str:
    """NFKC, no white space at all, one middle dot for the separators of transliterated
    names (买买提·艾力), case-folded: what the clerk typed and what the verifier types
    compare equal when they are the same name."""
    text = unicodedata.normalize("NFKC", name or "")
    return _SPACES.sub("", text).translate(_DOTS).casefold()


def name_digest(salt: bytes, name: str) -> bytes:
    return hashlib.sha256(salt + normalise_name(name).encode()).digest()[
        :NAME_HASH_BYTES
    ]


def name_matches(claims: Claims, name: str) -> bool:
    if not normalise_name(name):
        return False
    return hmac.compare_digest(name_digest(claims.salt, name), claims.name_hash)


def new_claims(
    *, serial: str, committee: str, item: str, issued: dt.date, holder_name: str
) -> Claims:
    salt = os.urandom(SALT_BYTES)
    return Claims(
        serial=serial,
        committee=committee,
        item=item or "",
        issued=issued,
        salt=salt,
        name_hash=name_digest(salt, holder_name),
    )


def encode(claims: Claims, *, kid_hex: str, private_key) -> str:
    message = cose.sign1(
        claims.as_cbor(), kid=bytes.fromhex(kid_hex), private_key=private_key
    )
    return PREFIX + b45encode(message)


def _claims(payload: bytes) -> Claims:
    try:
        data = cbor2.loads(payload)
    except Exception as exc:
        raise TokenError("token_malformed", "payload is not CBOR") from exc
    if not isinstance(data, Mapping) or set(data) != set(_CLAIM_KEYS):
        raise TokenError("token_malformed", "unexpected claims")
    serial, committee, item, issued, salt, name_hash = (data[k] for k in range(1, 7))
    if not all(isinstance(v, str) for v in (serial, committee, item, issued)):
        raise TokenError("token_malformed", "claims of the wrong type")
    if not (isinstance(salt, bytes) and isinstance(name_hash, bytes)):
        raise TokenError("token_malformed", "claims of the wrong type")
    if len(salt) != SALT_BYTES or len(name_hash) != NAME_HASH_BYTES:
        raise TokenError("token_malformed", "salt or name hash of the wrong size")
    try:
        day = dt.date.fromisoformat(issued)
    except ValueError as exc:
        raise TokenError("token_malformed", "issue date") from exc
    return Claims(serial, committee, item, day, salt, name_hash)


def parse(token: str) -> Parsed:
    """Decode a token without checking its signature (cose.verify does that, with the
    key the kid names). Raises TokenError."""
    token = (token or "").strip()
    if not token.startswith(PREFIX):
        raise TokenError("token_prefix", f"a token starts with {PREFIX}")
    try:
        raw = b45decode(token[len(PREFIX) :])
    except ValueError as exc:
        raise TokenError("token_malformed", str(exc)) from exc
    try:
        message = cose.decode(raw)
    except cose.CoseError as exc:
        raise TokenError("token_malformed", str(exc)) from exc
    if message.alg != cose.ES256:
        raise TokenError("token_algorithm", "only ES256 is accepted")
    kid = message.kid
    if kid is None or len(kid) != KID_BYTES:
        raise TokenError("token_malformed", "kid missing")
    return Parsed(claims=_claims(message.payload), kid=kid.hex(), message=message)


def verify_signature(parsed: Parsed, public_key) -> bool:
    return cose.verify(parsed.message, public_key)


def url_path(token: str) -> str:
    """The path of the public page for a token: /v/<token>, percent-encoded where the
    Base45 alphabet and a URL path disagree (space, %, /)."""
    return "/v/" + quote(token, safe=_URL_SAFE)


def from_text(text: str) -> str:
    """The token in what a scanner or a person hands over: the token itself, the page's
    address (…/v/<token>) or an address with ?t=<token>."""
    text = (text or "").strip()
    if text.startswith(PREFIX):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # not an address ("http://[…"): read as the token itself
        return text
    if "t" in parse_qs(parts.query):
        return parse_qs(parts.query)["t"][0].strip()
    marker = "/v/"
    if marker in parts.path:
        return unquote(parts.path.split(marker, 1)[1])
    return text


def qr_svg(data: str, *, scale: int = 4) -> str:
    """The QR code of `data` as SVG (segno), for pages and printouts."""
    import io

    import segno

    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        buf, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True
    )
    return buf.getvalue().decode()
