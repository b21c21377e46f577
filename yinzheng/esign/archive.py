"""Archive timestamps of issued certificates (PAdES B-LTA renewal, issue 14).

A certificate sealed B-LTA ends with a document timestamp from the county's timestamp
authority: it proves that the seal's signature, its chain and the CRLs of that day
existed then. That proof lasts as long as the timestamp authority's certificate. Before
it runs out, `document_timestamp_renew` brings the file's DSS up to date for the last
timestamp (its authority's chain and the root's CRL) and adds a new document timestamp
from the current authority (pki.timestamp_authority replaces a key two years before its
certificate ends, so the new timestamp outlives the renewal horizon); the next renewal
rests on that one, and so on (ETSI EN 319 142-1 §5.5).

A certificate sealed before B-LTA (B-B, no timestamp at all) gets its chain and CRLs
into the DSS and a first document timestamp, but only while its seal's certificate is
not revoked: once it is, nothing in the file can show that the signature came first,
and the renewal leaves it (`NOT_RENEWABLE`; the register and the database still do).

`yinzheng esign timestamp-renew` runs it over every issued certificate (`renew_many`);
a file whose last timestamp is good beyond the horizon is left as it is, so the command
can run daily. Each renewal replaces the stored file and is journaled. A renewal is a
burst of signatures, thousands when an authority's certificate nears its end: with
`--enqueue` the certificates go to the task queue in batches (esign.tasks), which the
`yinzheng db_worker` processes of every node share (issue 15).
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.ledger import audit

from . import pades, pki, tsa
from .models import SignedDocument

logger = logging.getLogger(__name__)

RENEWED = "renewed"
CURRENT = "current"
NOT_RENEWABLE = "not_renewable"


def last_timestamp_expiry(data: bytes) -> dt.datetime | None:
    """When the certificate of the file's last timestamp expires; None without one."""
    cert = pades.last_timestamp_certificate(data)
    if cert is None:
        return None
    return cert["tbs_certificate"]["validity"]["not_after"].native


def due(data: bytes, *, horizon: dt.datetime) -> bool:
    expiry = last_timestamp_expiry(data)
    return expiry is None or expiry <= horizon


@transaction.atomic
def document_timestamp_renew(*, actor: Actor, serial: str, horizon: dt.datetime) -> str:
    """Add a document timestamp to the issued certificate `serial` when its last
    timestamp's certificate expires before `horizon` (or it has none); RENEWED,
    CURRENT (nothing to do) or NOT_RENEWABLE (B-B and its seal already revoked)."""
    doc = (
        # Only the document's row is locked: PostgreSQL cannot lock the nullable
        # side of the joins (a root key has no issuer).
        SignedDocument.objects.select_for_update(of=("self",))
        .select_related("seal_key__issuer__issuer")
        .get(serial=serial)
    )
    if doc.signed_at is None or not doc.signed_pdf:
        return CURRENT
    with doc.signed_pdf.open("rb") as fh:
        data = fh.read()
    expiry = last_timestamp_expiry(data)
    if expiry is not None and expiry > horizon:
        return CURRENT
    now = clock.now()
    if expiry is None and any(
        link.revoked_at is not None and link.revoked_at <= now
        for link in pki.chain(doc.seal_key)
    ):
        return NOT_RENEWABLE
    county = pki.chain(doc.seal_key)[-1].division_id
    renewed = pades.archive_timestamp(
        data,
        timestamper=tsa.timestamper(county),
        long_term=tsa.long_term_material(doc.seal_key),
        at=now,
    )
    before = {"signed_sha256": doc.signed_sha256, "level": doc.level}
    doc.signed_pdf.save(f"{doc.serial}.pdf", ContentFile(renewed), save=False)
    doc.signed_sha256 = hashlib.sha256(renewed).hexdigest()
    doc.level = "B-LTA"
    doc.save(update_fields=["signed_pdf", "signed_sha256", "level"])
    audit.record(
        actor=actor,
        event="esign.document_timestamp_renewed",
        subject=doc,
        before=before,
        after={
            "signed_sha256": doc.signed_sha256,
            "level": doc.level,
            "previous_timestamp_expiry": expiry,
            "new_timestamp_expiry": last_timestamp_expiry(renewed),
        },
    )
    return RENEWED


@dataclass
class Renewals:
    """What `renew_many` did: the serials renewed, left current, not renewable, and
    those that failed with the error's name and text (one bad file stops no other)."""

    renewed: list[str] = field(default_factory=list)
    current: int = 0
    not_renewable: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "renewed": self.renewed,
            "current": self.current,
            "not_renewable": self.not_renewable,
            "failed": self.failed,
        }


def renewable_serials() -> Iterable[str]:
    """The serials of every issued certificate with a signed file, oldest first."""
    return (
        SignedDocument.objects.filter(signed_at__isnull=False)
        .exclude(signed_pdf="")
        .order_by("pk")
        .values_list("serial", flat=True)
        .iterator()
    )


def renew_many(
    *, actor: Actor, serials: Iterable[str], horizon: dt.datetime
) -> Renewals:
    """`document_timestamp_renew` for each serial, each in its own transaction."""
    done = Renewals()
    for serial in serials:
        try:
            outcome = document_timestamp_renew(
                actor=actor, serial=serial, horizon=horizon
            )
        except Exception as exc:  # one bad file must not stop the others
            logger.exception("archive timestamp of %s failed", serial)
            done.failed[serial] = f"{type(exc).__name__}: {exc}"
            continue
        if outcome == RENEWED:
            done.renewed.append(serial)
        elif outcome == NOT_RENEWABLE:
            done.not_renewable.append(serial)
        else:
            done.current += 1
    return done
