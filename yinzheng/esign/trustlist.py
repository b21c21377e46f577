"""The published trust list: every county root, township issuing authority and seal
certificate, as JSON (/esign/trust-list.json, no login).

A verifier downloads it now and then and checks QR tokens offline with it (offline.py):
the token's kid names a seal certificate, whose chain runs through its township to a
county root. The roots are the anchors; a verifier should pin their SHA-256
fingerprints, which the county publishes through its own channels, rather than trust
whatever roots a copy of the list contains. Revoked seal certificates stay on the list,
with their revocation time, so tokens made before the revocation still verify.

The list also carries the journal's anchor (`checkpoints`): the newest signed
checkpoint of each township's and county's sequence, and of each chain, as signed by
the keys listed here — so a copy of the list kept by anyone shows a later rewrite of
the registers or the audit trail (ledger/checkpoints.py).
"""

import base64
import hashlib
from typing import Any

from django.db.models import Q

from yinzheng.core import clock
from yinzheng.core.codes import subtree_q
from yinzheng.ledger import checkpoints as journal_checkpoints

from . import pki
from .choices import KeyPurpose
from .models import KeyPair

FORMAT = "yinzheng-trust-list/1"


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
        else:
            entry["kid"] = row.kid
            entry["seal_serial"] = row.seal.serial if row.seal is not None else ""
            out["seals"].append(entry)
    out["checkpoints"] = journal_checkpoints.anchor(under=under)
    return out
