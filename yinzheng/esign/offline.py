"""Offline verification of a QR token against a downloaded trust list.

No database and no Django: this module, tokens.py, cose.py and base45.py need only cbor2
and cryptography, so a verifier app or a script can carry them with a copy of
/esign/trust-list.json and check certificates without a network.

It checks, in order: the token reads (prefix, Base45, COSE_Sign1, claims); its kid names
a seal certificate on the list; the ES256 signature holds for that certificate's key;
the seal certificate was issued by a township authority on the list, and that one by a
county root, each signature checked; the root is one of the pinned fingerprints (when
given — a verifier should pin them) or at least self-signed and on the list; the issue
date lies within the seal certificate's validity; and the seal was not revoked before
the certificate's issue date. A revocation on the issue date itself cannot be ordered
offline (the token carries a date, not a time): the answer is then "unknown, check
online". Whether the certificate was withdrawn later, only the online check can say.
"""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from . import tokens

VALID = "valid"
SEAL_REVOKED = "seal_revoked"
UNKNOWN = "unknown"
INVALID = "invalid"


# The reasons are codes, so an app shows them in its own language (the console's
# Chinese texts are in management/commands/certificate.py):
#   token_* (unreadable), seal_not_listed, signature_invalid, committee_mismatch,
#   no_authority, no_root, root_not_pinned, root_not_self_signed, outside_validity,
#   revoked_before (→ seal_revoked); notes: roots_unpinned, revoked_same_day (→ unknown,
#   check online), revoked_later (the certificate stands).


@dataclass
class OfflineResult:
    verdict: str
    reasons: list[str] = field(default_factory=list)
    revoked_at: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    committee_name: str = ""
    seal_serial: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reasons": self.reasons,
            "claims": self.claims,
            "committee_name": self.committee_name,
            "seal_serial": self.seal_serial,
            "revoked_at": self.revoked_at,
        }


def _cert(entry: dict) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode(entry["certificate"]))


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def verify_token(
    token: str,
    trust_list: dict,
    *,
    pinned_roots: set[str] | None = None,
    tz: dt.tzinfo | None = None,
    holder_name: str | None = None,
) -> OfflineResult:
    """`pinned_roots`: SHA-256 fingerprints (hex) of the county roots to trust. `tz`:
    the time zone of the issue date (China Standard Time by default)."""
    tz = tz or dt.timezone(dt.timedelta(hours=8))
    try:
        parsed = tokens.parse(tokens.from_text(token))
    except tokens.TokenError as exc:
        return OfflineResult(INVALID, [exc.code])
    claims = parsed.claims
    result = OfflineResult(UNKNOWN, claims=claims.public())
    seals = {e.get("kid"): e for e in trust_list.get("seals", [])}
    entry = seals.get(parsed.kid)
    if entry is None:
        result.reasons.append("seal_not_listed")
        return result
    result.committee_name = entry.get("name", "")
    result.seal_serial = entry.get("seal_serial", "")
    seal_cert = _cert(entry)
    if not tokens.verify_signature(parsed, seal_cert.public_key()):
        result.verdict = INVALID
        result.reasons.append("signature_invalid")
        return result
    if entry.get("division") != claims.committee:
        result.verdict = INVALID
        result.reasons.append("committee_mismatch")
        return result
    authorities = {e["key_id"]: e for e in trust_list.get("authorities", [])}
    roots = {e["key_id"]: e for e in trust_list.get("roots", [])}
    authority = authorities.get(entry.get("issuer_key_id"))
    if authority is None or not _issued_by(seal_cert, _cert(authority)):
        result.verdict = INVALID
        result.reasons.append("no_authority")
        return result
    root = roots.get(authority.get("issuer_key_id"))
    if root is None or not _issued_by(_cert(authority), _cert(root)):
        result.verdict = INVALID
        result.reasons.append("no_root")
        return result
    root_cert = _cert(root)
    root_print = hashlib.sha256(base64.b64decode(root["certificate"])).hexdigest()
    if pinned_roots is not None:
        if root_print not in pinned_roots:
            result.verdict = INVALID
            result.reasons.append("root_not_pinned")
            return result
    elif not _issued_by(root_cert, root_cert):
        result.verdict = INVALID
        result.reasons.append("root_not_self_signed")
        return result
    else:
        result.reasons.append("roots_unpinned")
    day_start = dt.datetime.combine(claims.issued, dt.time(), tzinfo=tz)
    day_end = day_start + dt.timedelta(days=1)
    if not (
        seal_cert.not_valid_before_utc < day_end
        and day_start <= seal_cert.not_valid_after_utc
    ):
        result.verdict = INVALID
        result.reasons.append("outside_validity")
        return result
    revoked = [
        t
        for t in (_time(e.get("revoked_at")) for e in (entry, authority, root))
        if t is not None
    ]
    if revoked:
        first = min(revoked)
        result.revoked_at = first.isoformat()
        if first < day_start:
            result.verdict = SEAL_REVOKED
            result.reasons.append("revoked_before")
            return result
        if first < day_end:
            result.reasons.append("revoked_same_day")  # check online
            return result
        result.reasons.append("revoked_later")
    if holder_name is not None:
        ok = tokens.name_matches(claims, holder_name)
        result.claims["name_matches"] = ok
    result.verdict = VALID
    return result
