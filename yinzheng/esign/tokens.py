"""The QR token of a certificate: a CWT (RFC 8392) in a COSE_Sign1, in Base45.

The layout follows the EU Digital COVID Certificate ("HC1:" + Base45 of a COSE_Sign1),
without its zlib step: the payload is a code, a serial and two dates, which deflate
does not shrink.

Format 2, "YZ2:" (issue 14), made for every certificate since. Nothing in it derives
from the holder: the holder's name is checked online only, against a keyed HMAC the
server keeps (qr.py). The claims are a CWT claims set, registered claims with their
registered meanings, this project's own at private-use keys (below -65536):

    1       iss  issuing committee's code, text         "620725101001"
    4       exp  NumericDate, only where the item sets a validity period
    6       iat  NumericDate, when the token was made    1795000000
    7       cti  the certificate's serial, UTF-8 bytes   h'3632…'
    -70001       the certificate's date, RFC 8943 tag 100 (days since 1970-01-01)
    -70002       the certificate's form, only on a paper certificate: 1 (paper)

The protected header carries ES256 and the kid: the first 8 bytes of SHA-256 over the
seal certificate's DER (as the EU DCC derives it), listed in the trust list.

A paper certificate (sealed with the committee's physical seal) carries a format-2
token too (issue 14, deliverable 4): the same claims plus -70002 = 1, signed by its
township's issuing authority (制发机关) instead of a seal, so the kid names the
authority's certificate (the trust list's `authorities`). The claim is absent from an
electronic certificate's token, whose bytes are as before. The QR
holds the page's address in upper case, "HTTPS://HOST/V/YZ2:…", so all of it is in the
QR alphanumeric alphabet that Base45 was made for (`qr_address`): version 10 at
error correction M for a typical certificate, instead of 14 in byte mode.

Format 1, "YZ1:", still verifies (tokens printed before issue 14):

    1 serial, 2 committee code, 3 item key, 4 issue date (text), 5 salt (8 bytes),
    6 SHA-256(salt || normalised holder name)[:12]; kid = the first 8 bytes of the
    seal key's id (KeyPair.kid).

Its name hash let anyone holding a token recover the name offline from the masked
surname and a list of common characters; format 2 carries nothing of the kind.

This module has no database access, so the offline verifier (offline.py) can use it as
it is.
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
from .base45 import ALPHABET, b45decode, b45encode

PREFIX_V1 = "YZ1:"
PREFIX_V2 = "YZ2:"
# What a token starts with (str.startswith takes the tuple).
PREFIX = PREFIXES = (PREFIX_V2, PREFIX_V1)
SALT_BYTES = 8
NAME_HASH_BYTES = 12
KID_BYTES = 8
# Characters of the Base45 alphabet a URL path may carry as they are; space, % and /
# are percent-encoded, whose escapes (%20, %25, %2F) are in the alphabet too.
_URL_SAFE = ":$*+-."
_V1_KEYS = {1, 2, 3, 4, 5, 6}

# CWT claim keys (RFC 8392 §3.1, §9.1: below -65536 is private use).
ISS, EXP, NBF, IAT, CTI = 1, 4, 5, 6, 7
ISSUE_DATE = -70001
FORM = -70002  # present on a paper certificate's token only
FORM_PAPER = 1
TAG_DAYS = 100  # RFC 8943: a date as days since 1970-01-01
_V2_REQUIRED = {ISS, IAT, CTI, ISSUE_DATE}
_V2_OPTIONAL = {EXP, NBF, FORM}
_EPOCH = dt.date(1970, 1, 1)


class TokenError(ValueError):
    """A token that cannot be read; `code` says why."""

    def __init__(self, code: str, message: str = "") -> None:
        self.code = code
        super().__init__(message or code)


@dataclass(frozen=True)
class Claims:
    serial: str
    committee: str
    item: str  # format 1 only ("" in format 2)
    issued: dt.date
    salt: bytes = b""  # format 1 only
    name_hash: bytes = b""  # format 1 only
    version: int = 1
    issued_at: int | None = None  # NumericDate (format 2)
    expires: int | None = None  # NumericDate (format 2, optional)
    paper: bool = False  # format 2: a paper certificate's, signed by its township

    def as_cbor(self) -> bytes:
        if self.version == 1:
            data: dict[int, object] = {
                1: self.serial,
                2: self.committee,
                3: self.item,
                4: self.issued.isoformat(),
                5: self.salt,
                6: self.name_hash,
            }
        else:
            data = {
                ISS: self.committee,
                IAT: self.issued_at,
                CTI: self.serial.encode(),
                ISSUE_DATE: cbor2.CBORTag(TAG_DAYS, (self.issued - _EPOCH).days),
            }
            if self.expires is not None:
                data[EXP] = self.expires
            if self.paper:
                data[FORM] = FORM_PAPER
        return cbor2.dumps(data, canonical=True)

    def public(self) -> dict:
        """What a verifier may show: no salt, no hash."""
        if self.version == 1:
            return {
                "serial": self.serial,
                "committee": self.committee,
                "item": self.item,
                "issued": self.issued.isoformat(),
            }
        out = {
            "serial": self.serial,
            "committee": self.committee,
            "issued": self.issued.isoformat(),
            "issued_at": _utc(self.issued_at),
        }
        if self.expires is not None:
            out["expires"] = _utc(self.expires)
        if self.paper:
            out["form"] = "paper"
        return out

    def expired(self, now: dt.datetime) -> bool:
        return self.expires is not None and now.timestamp() >= self.expires


def _utc(numeric_date: int | None) -> str | None:
    if numeric_date is None:
        return None
    return dt.datetime.fromtimestamp(numeric_date, dt.UTC).isoformat()


@dataclass(frozen=True)
class Parsed:
    claims: Claims
    kid: str  # hex
    message: cose.Sign1

    @property
    def version(self) -> int:
        return self.claims.version


_SPACES = re.compile(r"\s+")
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·", ".": "·"})


def normalise_name(name: str) -> str:
    """NFKC, no white space at all, one middle dot for the separators of transliterated
    names (买买提·艾力), case-folded: what the clerk typed and what the verifier types
    compare equal when they are the same name."""
    text = unicodedata.normalize("NFKC", name or "")
    return _SPACES.sub("", text).translate(_DOTS).casefold()


def cert_kid(certificate_der: bytes) -> bytes:
    """The kid of a format-2 token: SHA-256 of the seal certificate's DER, first 8
    bytes (the EU DCC's rule)."""
    return hashlib.sha256(certificate_der).digest()[:KID_BYTES]


# Format 1 ("YZ1:"), kept so printed certificates keep verifying -----------------------


def name_digest(salt: bytes, name: str) -> bytes:
    return hashlib.sha256(salt + normalise_name(name).encode()).digest()[
        :NAME_HASH_BYTES
    ]


def name_matches(claims: Claims, name: str) -> bool:
    """Format 1 only: the name against the token's salted hash."""
    if claims.version != 1 or not normalise_name(name):
        return False
    return hmac.compare_digest(name_digest(claims.salt, name), claims.name_hash)


def new_claims(
    *, serial: str, committee: str, item: str, issued: dt.date, holder_name: str
) -> Claims:
    """Format-1 claims (kept for tests and tools that must make a YZ1 token)."""
    salt = os.urandom(SALT_BYTES)
    return Claims(
        serial=serial,
        committee=committee,
        item=item or "",
        issued=issued,
        salt=salt,
        name_hash=name_digest(salt, holder_name),
    )


# Format 2 ("YZ2:") -----------------------------------------------------------------


def new_claims_v2(
    *,
    serial: str,
    committee: str,
    issued: dt.date,
    at: dt.datetime,
    expires: dt.datetime | None = None,
    paper: bool = False,
) -> Claims:
    """Format-2 claims: nothing about the holder. `at` is when the token is made
    (iat); `expires` the end of the certificate's validity, where its item has one;
    `paper` for a certificate sealed with a physical seal (the form claim)."""
    return Claims(
        serial=serial,
        committee=committee,
        item="",
        issued=issued,
        version=2,
        issued_at=int(at.timestamp()),
        expires=int(expires.timestamp()) if expires is not None else None,
        paper=paper,
    )


def encode(claims: Claims, *, kid_hex: str, private_key) -> str:
    message = cose.sign1(
        claims.as_cbor(), kid=bytes.fromhex(kid_hex), private_key=private_key
    )
    prefix = PREFIX_V1 if claims.version == 1 else PREFIX_V2
    return prefix + b45encode(message)


def _claims_v1(data: Mapping) -> Claims:
    if set(data) != _V1_KEYS:
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


# 9999-12-31T23:59:59Z, the last moment datetime can represent.
MAX_NUMERIC_DATE = 253402300799


def _numeric_date(value: object) -> int:
    # RFC 8392 §2: an integer or a float; this project writes integers only.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TokenError("token_malformed", "a NumericDate is a positive integer")
    if value > MAX_NUMERIC_DATE:  # beyond what a date can hold: a crafted token
        raise TokenError("token_malformed", "a NumericDate past the year 9999")
    return value


def _claims_v2(data: Mapping) -> Claims:
    keys = set(data)
    if not _V2_REQUIRED <= keys or keys - _V2_REQUIRED - _V2_OPTIONAL:
        raise TokenError("token_malformed", "unexpected claims")
    committee, serial, day = data[ISS], data[CTI], data[ISSUE_DATE]
    if not (isinstance(committee, str) and isinstance(serial, bytes)):
        raise TokenError("token_malformed", "claims of the wrong type")
    if isinstance(day, cbor2.CBORTag) and day.tag == TAG_DAYS:
        day = day.value
        if isinstance(day, bool) or not isinstance(day, int):
            raise TokenError("token_malformed", "certificate date")
        day = _EPOCH + dt.timedelta(days=day)
    if type(day) is not dt.date:  # cbor2 turns tag 100 into a date itself
        raise TokenError("token_malformed", "certificate date")
    try:
        serial_text = serial.decode()
    except UnicodeDecodeError as exc:
        raise TokenError("token_malformed", "serial") from exc
    expires = data.get(EXP)
    form = data.get(FORM)
    if FORM in data and (isinstance(form, bool) or form != FORM_PAPER):
        raise TokenError("token_malformed", "certificate form")
    return Claims(
        serial=serial_text,
        committee=committee,
        item="",
        issued=day,
        version=2,
        issued_at=_numeric_date(data[IAT]),
        expires=_numeric_date(expires) if expires is not None else None,
        paper=FORM in data,
    )


def parse(token: str) -> Parsed:
    """Decode a token without checking its signature (cose.verify does that, with the
    key the kid names). Raises TokenError."""
    token = (token or "").strip()
    if not token.startswith(PREFIXES):
        raise TokenError("token_prefix", "a token starts with YZ2: or YZ1:")
    version = 2 if token.startswith(PREFIX_V2) else 1
    try:
        raw = b45decode(token[len(PREFIX_V2) :])
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
    try:
        data = cbor2.loads(message.payload)
    except Exception as exc:
        raise TokenError("token_malformed", "payload is not CBOR") from exc
    if not isinstance(data, Mapping):
        raise TokenError("token_malformed", "unexpected claims")
    claims = _claims_v2(data) if version == 2 else _claims_v1(data)
    return Parsed(claims=claims, kid=kid.hex(), message=message)


def verify_signature(parsed: Parsed, public_key) -> bool:
    return cose.verify(parsed.message, public_key)


# Addresses ----------------------------------------------------------------------------


def url_path(token: str) -> str:
    """The path of the public page for a token: /V/<token> for format 2 (upper case, so
    the QR stays alphanumeric), /v/<token> for format 1; percent-encoded where the
    Base45 alphabet and a URL path disagree (space, %, /)."""
    marker = "/V/" if token.startswith(PREFIX_V2) else "/v/"
    return marker + quote(token, safe=_URL_SAFE)


def qr_address(public_url: str, token: str) -> str:
    """What the QR code holds: the page's address with scheme and host upper-cased
    (both are case-insensitive), so that with a format-2 token all of it is in the QR
    alphanumeric alphabet and the symbol stays small. A path under the public address
    keeps its case; one with lower-case letters leaves the QR in byte mode."""
    parts = urlsplit(public_url.rstrip("/"))
    base = f"{parts.scheme}://{parts.netloc}".upper() + parts.path
    return base + url_path(token)


def alphanumeric(text: str) -> bool:
    """Whether a QR code can hold `text` in alphanumeric mode."""
    return all(c in ALPHABET for c in text)


def from_text(text: str) -> str:
    """The token in what a scanner or a person hands over: the token itself, the page's
    address (…/v/<token> or …/V/<token>) or an address with ?t=<token>."""
    text = (text or "").strip()
    if text.startswith(PREFIXES):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # not an address ("http://[…"): read as the token itself
        return text
    if "t" in parse_qs(parts.query):
        return parse_qs(parts.query)["t"][0].strip()
    for marker in ("/V/", "/v/"):
        if marker in parts.path:
            return unquote(parts.path.split(marker, 1)[1])
    return text


def qr_svg(data: str, *, scale: int = 4) -> str:
    """The QR code of `data` as SVG (segno), for pages and printouts."""
    import io

    import segno

    buf = io.BytesIO()
    segno.make(data, error="m", micro=False, boost_error=False).save(
        buf, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True
    )
    return buf.getvalue().decode()
