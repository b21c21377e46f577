"""Offline verification of a QR token against a downloaded trust list.

No database and no Django: this module, tokens.py, cose.py and base45.py need only cbor2
and cryptography, so a verifier app or a script can carry them with a copy of the
trust list and check certificates without a network.

The list: /esign/trust-list.cose is the list signed by the county root
(`open_signed_list` checks the signature against a pinned root fingerprint and then
trusts that root only); /esign/trust-list.json is the same list unsigned, for a
verifier that pins the roots and checks the chains itself.

A token is checked, in order: it reads (prefix, Base45, COSE_Sign1, claims); its kid
names a seal certificate on the list (format 2: the hash of the certificate's DER,
computed here; format 1: the listed `kid`); the ES256 signature holds for that
certificate's key; the seal certificate was issued by a township authority on the list,
and that one by a county root, each signature checked; the root is one of the pinned
fingerprints (when given — a verifier should pin them) or at least self-signed and on
the list; the token was made within the seal certificate's validity (format 2: its iat;
format 1: its date); it has not expired (format 2, where it carries exp); and the seal
was not revoked before the token was made. A format-2 token says when it was made to
the second: a revocation before that voids it. A revocation later on the certificate's
date cannot be ordered against the sealing offline: the answer is then "unknown, check
online". Whether the certificate was withdrawn later, only the online check can say;
the holder's name too, for a format-2 token, which carries nothing of it.

A paper certificate's token (format 2 with the form claim, issue 14) is signed by its
township's issuing authority: its kid names an authority on the list (`cert_kid`), the
authority's township is the committee's (the code's first nine digits), the authority
was certified by a county root (pinned, as above), the token was made within the
authority certificate's validity and before any revocation of the authority or the
root. The stamp itself is for the reader to look at: `form` says "paper".
"""

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from . import cose, tokens

VALID = "valid"
SEAL_REVOKED = "seal_revoked"
UNKNOWN = "unknown"
INVALID = "invalid"


# The reasons are codes, so an app shows them in its own language (the console's
# Chinese texts are in management/commands/certificate.py):
#   token_* (unreadable), seal_not_listed, signature_invalid, committee_mismatch,
#   no_authority, no_root, root_not_pinned, root_not_self_signed, outside_validity,
#   expired, revoked_before (→ seal_revoked); notes: roots_unpinned, revoked_same_day
#   (→ unknown, check online), revoked_later (the certificate stands).
# A paper certificate's token (form "paper"): authority_not_listed (→ unknown),
#   authority_mismatch, authority_revoked_before (→ invalid), and the root's reasons;
#   note paper_form (the seal on the paper is for the reader to check).
# A signed list that does not open raises TrustListError with one of: list_malformed,
#   list_signer_unknown, root_not_pinned, root_not_self_signed, list_signature_invalid.


@dataclass
class OfflineResult:
    verdict: str
    reasons: list[str] = field(default_factory=list)
    revoked_at: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    committee_name: str = ""
    seal_serial: str = ""
    form: str = "electronic"  # "paper": signed by the township, stamped on paper

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "form": self.form,
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


def _seal_entry(trust_list: dict, parsed: tokens.Parsed) -> dict | None:
    for entry in trust_list.get("seals", []):
        if parsed.version == 1:
            if entry.get("kid") == parsed.kid:
                return entry
        elif tokens.cert_kid(_der(entry)).hex() == parsed.kid:
            return entry
    return None


def _der(entry: dict) -> bytes:
    return base64.b64decode(entry["certificate"])


def _refused(result: OfflineResult, reason: str) -> OfflineResult:
    """`result` judged invalid, for `reason` (a code: apps show it in their language)."""
    result.verdict = INVALID
    result.reasons.append(reason)
    return result


class TrustListError(ValueError):
    """A signed trust list that does not open; `code` says why."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def open_signed_list(envelope: bytes, *, pinned_roots: set[str]) -> dict:
    """The trust list inside a signed envelope (/esign/trust-list.cose), once its
    signature holds for a county root whose SHA-256 fingerprint is pinned. The list
    returned names that root only: chains to any other root in it are not trusted.
    Raises TrustListError."""
    try:
        message = cose.decode(envelope)
    except cose.CoseError as exc:
        raise TrustListError("list_malformed") from exc
    if message.content_type != "application/json" or message.kid is None:
        raise TrustListError("list_malformed")
    try:
        listed = json.loads(message.payload)
    except ValueError as exc:
        raise TrustListError("list_malformed") from exc
    if not isinstance(listed, dict) or not isinstance(listed.get("roots"), list):
        raise TrustListError("list_malformed")
    try:
        signer = next(
            (
                root
                for root in listed["roots"]
                if tokens.cert_kid(_der(root)) == message.kid
            ),
            None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TrustListError("list_malformed") from exc
    if signer is None:
        raise TrustListError("list_signer_unknown")
    if hashlib.sha256(_der(signer)).hexdigest() not in pinned_roots:
        raise TrustListError("root_not_pinned")
    try:
        root_cert = x509.load_der_x509_certificate(_der(signer))
    except ValueError as exc:
        raise TrustListError("list_malformed") from exc
    if not _issued_by(root_cert, root_cert):
        raise TrustListError("root_not_self_signed")
    public = root_cert.public_key()
    if not (
        isinstance(public, ec.EllipticCurvePublicKey) and cose.verify(message, public)
    ):
        raise TrustListError("list_signature_invalid")
    listed["roots"] = [signer]
    return listed


def _root_trusted(
    result: OfflineResult,
    authority: dict,
    root: dict | None,
    pinned_roots: set[str] | None,
) -> bool:
    """Whether the authority's certificate was issued by `root`, a root to trust: one
    of the pinned, or without pins one that is self-signed. Otherwise the result says
    why, invalid."""
    reason = ""
    if root is None or not _issued_by(_cert(authority), _cert(root)):
        reason = "no_root"
    elif pinned_roots is not None:
        if hashlib.sha256(_der(root)).hexdigest() not in pinned_roots:
            reason = "root_not_pinned"
    elif not _issued_by(_cert(root), _cert(root)):
        reason = "root_not_self_signed"
    else:
        result.reasons.append("roots_unpinned")
    if reason:
        result.verdict = INVALID
        result.reasons.append(reason)
    return not reason


def _verify_paper(
    parsed: tokens.Parsed,
    trust_list: dict,
    result: OfflineResult,
    *,
    pinned_roots: set[str] | None,
    now: dt.datetime | None,
    name_given: bool,
) -> OfflineResult:
    """A paper certificate's token: signed by its township's issuing authority."""
    claims = parsed.claims
    result.form = "paper"
    authority = next(
        (
            e
            for e in trust_list.get("authorities", [])
            if tokens.cert_kid(_der(e)).hex() == parsed.kid
        ),
        None,
    )
    if authority is None:
        result.reasons.append("authority_not_listed")
        return result
    result.committee_name = authority.get("name", "")
    authority_cert = _cert(authority)
    if not tokens.verify_signature(parsed, authority_cert.public_key()):
        return _refused(result, "signature_invalid")
    if authority.get("division") != claims.committee[:9]:
        return _refused(result, "authority_mismatch")
    roots = {e["key_id"]: e for e in trust_list.get("roots", [])}
    root = roots.get(authority.get("issuer_key_id"))
    if not _root_trusted(result, authority, root, pinned_roots):
        return result
    assert root is not None and claims.issued_at is not None  # format 2
    made = dt.datetime.fromtimestamp(claims.issued_at, dt.UTC)
    if not (
        authority_cert.not_valid_before_utc
        <= made
        <= authority_cert.not_valid_after_utc
    ):
        return _refused(result, "outside_validity")
    if claims.expired(now or dt.datetime.now(dt.UTC)):
        return _refused(result, "expired")
    revoked = [
        t
        for t in (_time(e.get("revoked_at")) for e in (authority, root))
        if t is not None
    ]
    if revoked:
        first = min(revoked)
        result.revoked_at = first.isoformat()
        if first <= made:
            return _refused(result, "authority_revoked_before")
        result.reasons.append("revoked_later")
    result.reasons.append("paper_form")
    if name_given:  # only the online check can confirm the name
        result.claims["name_matches"] = None
    result.verdict = VALID
    return result


def verify_token(
    token: str,
    trust_list: dict,
    *,
    pinned_roots: set[str] | None = None,
    tz: dt.tzinfo | None = None,
    holder_name: str | None = None,
    now: dt.datetime | None = None,
) -> OfflineResult:
    """`pinned_roots`: SHA-256 fingerprints (hex) of the county roots to trust. `tz`:
    the time zone of the certificate's date (China Standard Time by default). `now`:
    the time an expiry is judged at (the clock's by default)."""
    tz = tz or dt.timezone(dt.timedelta(hours=8))
    try:
        parsed = tokens.parse(tokens.from_text(token))
    except tokens.TokenError as exc:
        return OfflineResult(INVALID, [exc.code])
    claims = parsed.claims
    result = OfflineResult(UNKNOWN, claims=claims.public())
    if claims.paper:
        return _verify_paper(
            parsed,
            trust_list,
            result,
            pinned_roots=pinned_roots,
            now=now,
            name_given=holder_name is not None,
        )
    entry = _seal_entry(trust_list, parsed)
    if entry is None:
        result.reasons.append("seal_not_listed")
        return result
    result.committee_name = entry.get("name", "")
    result.seal_serial = entry.get("seal_serial", "")
    seal_cert = _cert(entry)
    if not tokens.verify_signature(parsed, seal_cert.public_key()):
        return _refused(result, "signature_invalid")
    if entry.get("division") != claims.committee:
        return _refused(result, "committee_mismatch")
    authorities = {e["key_id"]: e for e in trust_list.get("authorities", [])}
    roots = {e["key_id"]: e for e in trust_list.get("roots", [])}
    authority = authorities.get(entry.get("issuer_key_id"))
    if authority is None or not _issued_by(seal_cert, _cert(authority)):
        return _refused(result, "no_authority")
    root = roots.get(authority.get("issuer_key_id"))
    if not _root_trusted(result, authority, root, pinned_roots):
        return result
    assert root is not None
    day_start = dt.datetime.combine(claims.issued, dt.time(), tzinfo=tz)
    day_end = day_start + dt.timedelta(days=1)
    if claims.issued_at is not None:  # format 2: made at this second
        made = dt.datetime.fromtimestamp(claims.issued_at, dt.UTC)
        within = seal_cert.not_valid_before_utc <= made <= seal_cert.not_valid_after_utc
        # Sealed after the token was made, on the certificate's date at the latest.
        day_start, day_end = made, max(day_end, made)
    else:
        within = (
            seal_cert.not_valid_before_utc < day_end
            and day_start <= seal_cert.not_valid_after_utc
        )
    if not within:
        return _refused(result, "outside_validity")
    if claims.expired(now or dt.datetime.now(dt.UTC)):
        return _refused(result, "expired")
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
        # Format 2 carries nothing of the name: only the online check can confirm it.
        ok = tokens.name_matches(claims, holder_name) if claims.version == 1 else None
        result.claims["name_matches"] = ok
    result.verdict = VALID
    return result
