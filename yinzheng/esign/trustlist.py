"""The published trust list: every county root, township issuing authority and seal
certificate, as JSON (/esign/trust-list.json, no login).

A verifier downloads it now and then and checks QR tokens offline with it (offline.py):
the token's kid names a seal certificate, whose chain runs through its township to a
county root. The roots are the anchors; a verifier should pin their SHA-256
fingerprints, which the county publishes through its own channels, rather than trust
whatever roots a copy of the list contains. Revoked seal certificates stay on the list,
with their revocation time, so tokens made before the revocation still verify.

The list is also published signed (/esign/trust-list.cose?under=<county>, issue 14): a
COSE_Sign1 whose payload is the list's JSON, signed with the county root's key (kid =
the first 8 bytes of SHA-256 over the root certificate's DER). A verifier that pinned
the root's fingerprint checks it with offline.open_signed_list, which then trusts that
root only, so a list signed by one county cannot vouch for another's. Every entry
carries `cert_kid`, the kid format-2 tokens ("YZ2:") name; seals keep `kid`, the one
format-1 tokens name. A paper certificate's token (issue 14) names its township's
authority: the authorities listed here, retired ones too, are what verifies it.

The list also carries the journal's anchor (`checkpoints`): the newest signed
checkpoint of each township's and county's sequence, and of each chain, as signed by
the keys listed here — so a copy of the list kept by anyone shows a later rewrite of
the registers or the audit trail (ledger/checkpoints.py).
"""

import base64
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from yinzheng.core import clock
from yinzheng.core.codes import subtree_q
from yinzheng.ledger import checkpoints as journal_checkpoints

from . import cose, keys, pki, tokens
from .choices import KeyPurpose
from .models import KeyPair

FORMAT = "yinzheng-trust-list/1"
CONTENT_TYPE = "application/json"


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _entry(row: KeyPair, names: dict[str, str]) -> dict[str, Any]:
    der = pki.certificate_der(row)
    entry: dict[str, Any] = {
        "division": row.division_id,
        "name": names.get(row.division_id, ""),
        "key_id": row.key_id,
        "sha256": fingerprint(der),
        "cert_kid": tokens.cert_kid(der).hex(),
        "certificate": base64.b64encode(der).decode(),
        "not_before": _iso(row.not_before),
        "not_after": _iso(row.not_after),
        "revoked_at": _iso(row.revoked_at),
        "revocation_reason": row.revocation_reason or None,
    }
    if row.issuer is not None:
        entry["issuer_key_id"] = row.issuer.key_id
    return entry


def build(*, under: str | None = None) -> dict[str, Any]:
    """The list, optionally only for the counties, townships and committees below (or
    above, for the roots and authorities of) the division `under`."""
    rows = (
        KeyPair.objects.exclude(certificate_pem="")
        .select_related("issuer", "seal", "division")
        .order_by("purpose", "division_id", "created_at")
    )
    if under:

        def within(n: int) -> Q:
            if len(under) <= n:
                return subtree_q(under, field="division_id")
            return Q(division_id=under[:n])

        rows = rows.filter(
            (Q(purpose=KeyPurpose.ROOT) & within(6))
            | (Q(purpose=KeyPurpose.AUTHORITY) & within(9))
            | (Q(purpose=KeyPurpose.SEAL) & subtree_q(under, field="division_id"))
        )
    found = list(rows)
    names = {r.division_id: r.division.name for r in found}
    out: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": clock.now().isoformat(),
        "roots": [],
        "authorities": [],
        "seals": [],
    }
    for row in found:
        entry = _entry(row, names)
        if row.purpose == KeyPurpose.ROOT:
            entry["crl"] = pki.crl_url_of(row)
            out["roots"].append(entry)
        elif row.purpose == KeyPurpose.AUTHORITY:
            entry["crl"] = pki.crl_url_of(row)
            out["authorities"].append(entry)
        elif row.purpose == KeyPurpose.SEAL:
            entry["kid"] = row.kid
            entry["seal_serial"] = row.seal.serial if row.seal is not None else ""
            out["seals"].append(entry)
    out["checkpoints"] = journal_checkpoints.anchor(under=under)
    return out


class NoSigningRoot(ValueError):
    """No county root to sign the list with: none, or several and no `under`."""


def signing_root(under: str | None) -> KeyPair:
    roots = KeyPair.objects.filter(
        purpose=KeyPurpose.ROOT, retired_at__isnull=True
    ).exclude(certificate_pem="")
    if under:
        roots = roots.filter(division_id=under[:6])
    found = list(roots[:2])
    if len(found) != 1:
        raise NoSigningRoot(under or "")
    return found[0]


def signed(*, under: str | None = None) -> bytes:
    """The list (`build(under=…)`) as a COSE_Sign1 signed by the county root of
    `under` (its first six digits), or by the only root when there is one."""
    root = signing_root(under)
    listed = build(under=under or root.division_id)
    payload = json.dumps(
        listed,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    ).encode()
    return cose.sign1(
        payload,
        kid=tokens.cert_kid(pki.certificate_der(root)),
        private_key=keys.private_key(root),
        content_type=CONTENT_TYPE,
    )
