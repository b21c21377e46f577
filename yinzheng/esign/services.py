"""Electronic seals: certificates for seals, tokens and signatures for certificates,
withdrawal, and the departments' verification queries (REQ-111, REQ-115).

Seal certificates. When the township issues an electronic seal, the seal registry
gives it a key and a certificate from the township's issuing authority, in the same
transaction (`seal_certify`; `seal_certificate_issue` for a seal issued before esign).
When the seal stops being usable for good — lost, blocked, revoked, collected — the
registry revokes its certificate from that moment with the reason its fate gives, and
the township's CRL is re-signed (`seal_certificate_revoke`). When the seal is destroyed,
so is its private key (`seal_key_destroy`; in the HSM when it is held there, keys.py).
What esign needs to know about a seal it asks the registry through `ports.seals()`.

A certificate (证明) issued under an electronic seal goes through two steps here, called
by the certificate work inside its own transactions:

- `document_prepare` (when the certificate's draft is rendered, before approval): the
  QR token is made and signed with the seal's key, to be printed on the certificate
  rendered at issue (the draft shows no QR). Nothing of the holder in it (issue 14):
  a keyed HMAC of the name stays on the server for the online check, and the masked
  name for the public page.
- `document_sign` (when the custodian seals, after the register entry): the certificate
  gets its PAdES signature. It must be what was approved, or the rendering of the
  approved draft's content (REQ-057), the seal
  must be usable (REQ-061–063, REQ-066), the signer must be its current custodian
  (REQ-070), and the certificate must not be revoked: a revoked seal signs nothing.

`document_withdraw` marks an issued certificate withdrawn (the page then says so).
`verification_query` is a department's query by token, PDF or serial, refused without a
legal basis and journaled with requester, basis and purpose (REQ-111).
"""

import base64
import datetime as dt
import hashlib
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role, department_label
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, masking
from yinzheng.core.actors import person, require_person
from yinzheng.core.db import unique_row
from yinzheng.core.errors import (
    Conflict,
    CoreCode,
    InvalidInput,
    NotAllowed,
    NotFound,
    StaleContent,
)
from yinzheng.ledger import audit

from . import keys, pades, pki, ports, qr, tokens, tsa, verdicts
from .choices import QueryKind
from .errors import EsignCode
from .models import KeyPair, SignedDocument, VerificationQuery

MAX_PDF_BYTES = 20 * 1024 * 1024


class NoSealCertificate(Conflict):
    code = EsignCode.NO_SEAL_CERTIFICATE


# Seal certificates ---------------------------------------------------------------


def seal_certify(seal: Any, *, actor: Actor) -> KeyPair:
    """The key and certificate of a newly issued electronic seal (REQ-115), inside the
    seal registry's transaction, which holds the seal's lock and checked the policy."""
    row = pki.seal_key_issue(seal)
    audit.record(
        actor=actor,
        event="esign.seal_certificate_issued",
        subject=seal,
        after={
            "key_id": row.key_id,
            "serial_number": row.serial_number,
            "issuer": row.issuer.key_id if row.issuer is not None else None,
            "not_after": row.not_after,
        },
    )
    return row


@transaction.atomic
def seal_certificate_issue(*, actor: Actor, seal_id: int) -> KeyPair:
    """The seal's key and certificate (REQ-115), issued by its township; the existing
    one when it has one. `actor=SYSTEM` is the system (a command)."""
    registry = ports.seals()
    seal = registry.lock(seal_id)
    policy.require(actor, "seal.issue", seal)
    if not registry.is_electronic(seal):
        raise InvalidInput(
            _("实物印章没有电子证书"), code=EsignCode.SEAL_NOT_ELECTRONIC
        )
    existing = KeyPair.objects.filter(seal=seal).first()
    if existing is not None and existing.certificate_pem:
        return existing
    if not registry.is_active(seal):
        raise Conflict(_("该印章已停止使用"), code=CoreCode.SEAL_NOT_ACTIVE)
    return seal_certify(seal, actor=actor)


def seal_certificate_revoke(
    *, actor: Actor, seal: Any, at: dt.datetime, reason: str
) -> KeyPair | None:
    """Revoke the seal's certificate from `at` (REQ-115: revoked like a physical seal).
    Runs inside the seal service's transaction, which holds the seal's lock and checked
    the policy. None when the seal has no certificate."""
    row = KeyPair.objects.filter(seal=seal).first()
    if row is None or not row.certificate_pem:
        return None
    if pki.revoke(row, at=at, reason=reason):
        audit.record(
            actor=actor,
            event="esign.seal_certificate_revoked",
            subject=seal,
            after={
                "key_id": row.key_id,
                "serial_number": row.serial_number,
                "revoked_at": at,
                "reason": reason,
            },
        )
    return row


def seal_key_destroy(*, actor: Actor, seal: Any) -> KeyPair | None:
    """Destroy the private half of a destroyed seal's key (issue 14): blanked on the
    row, or destroyed in the HSM; the public key and the certificate stay, so what the
    seal signed still verifies, and it signs nothing more (keys.KeyDestroyed).
    Journaled. Runs inside the seal registry's transaction, which holds the seal's lock
    and checked the policy; an HSM that refuses refuses the whole destruction. None
    when the seal has no key; the row unchanged when it was destroyed already."""
    row = KeyPair.objects.select_for_update().filter(seal=seal).first()
    if row is None or row.private_key_destroyed_at is not None:
        return row
    where = keys.destroy_private(row)
    audit.record(
        actor=actor,
        event="esign.seal_key_destroyed",
        subject=seal,
        after={
            "key_id": row.key_id,
            "serial_number": row.serial_number,
            "store": where,
            "destroyed_at": row.private_key_destroyed_at,
        },
    )
    return row


def seal_key(seal: Any) -> KeyPair:
    """The seal's certified key, or NoSealCertificate."""
    row = KeyPair.objects.filter(seal=seal).exclude(certificate_pem="").first()
    if row is None:
        raise NoSealCertificate(
            _("电子印章 %s 没有签发证书，不能电子签章") % seal.serial,
            detail={"seal": seal.pk},
        )
    return row


# Certificates issued under an electronic seal --------------------------------------


def expiry(issue_date: dt.date, valid_days: int | None) -> dt.datetime | None:
    """The end of a certificate's validity (the item's guide: validity_days), as the
    token's expiry: midnight, local time, after its last valid day."""
    if not valid_days:
        return None
    last = issue_date + dt.timedelta(days=valid_days)
    return timezone.make_aware(dt.datetime.combine(last, dt.time.min))


@transaction.atomic
def document_prepare(
    *,
    actor: Actor,
    seal_id: int,
    serial: str,
    item_key: str,
    item_name: str,
    issue_date: dt.date,
    holder_name: str,
    seal_box: tuple[float, float, float, float] | None = None,
    page: int = 0,
    valid_days: int | None = None,
) -> SignedDocument:
    """Make and sign the QR token of a certificate about to be rendered; the returned
    document's `token` goes into the PDF (qr.address for the QR's address).
    `seal_box` (points, on `page`) is where the rendered page leaves the seal: the
    signature's appearance goes there at sealing."""
    registry = ports.seals()
    seal = registry.lock(seal_id)
    policy.require(actor, "usage.request", seal.committee)
    if not registry.is_electronic(seal):
        raise InvalidInput(
            _("实物印章没有电子证书"), code=EsignCode.SEAL_NOT_ELECTRONIC
        )
    registry.require_usable(seal)
    doc = _prepare(
        key=seal_key(seal),
        committee=seal.committee,
        serial=serial,
        item_key=item_key,
        item_name=item_name,
        issue_date=issue_date,
        holder_name=holder_name,
        valid_days=valid_days,
        seal_box=[page, *[float(v) for v in seal_box]] if seal_box else None,
    )
    audit.record(
        actor=actor,
        event="esign.document_prepared",
        subject=doc,
        after={
            "serial": doc.serial,
            "seal": seal.serial,
            "key_id": doc.seal_key.key_id,
        },
    )
    return doc


def _prepare(
    *,
    key: KeyPair,
    committee: Any,
    serial: str,
    item_key: str,
    item_name: str,
    issue_date: dt.date,
    holder_name: str,
    valid_days: int | None,
    seal_box: list[float] | None = None,
    paper: bool = False,
) -> SignedDocument:
    """The checks and the record both kinds of certificate share: the serial and the
    holder given, the key valid now, the serial not taken; the token signed with `key`
    (issue 14: nothing in it derives from the holder, whose name is kept as a keyed
    HMAC for the online check only, qr.py)."""
    serial = (serial or "").strip()
    if not serial:
        raise InvalidInput(_("请填写证明编号"), code=CoreCode.SERIAL_REQUIRED)
    if not (holder_name or "").strip() or not tokens.normalise_name(holder_name):
        raise InvalidInput(
            _("请填写证明持有人姓名"), code=EsignCode.HOLDER_NAME_REQUIRED
        )
    now = clock.now()
    pki.require_valid_for_signing(key, now)
    if SignedDocument.objects.filter(serial=serial).exists():
        raise Conflict(
            _("证明编号 %s 已生成过凭据") % serial, code=CoreCode.SERIAL_TAKEN
        )
    token = qr.make_token(
        key,
        serial=serial,
        committee=committee.code,
        issue_date=issue_date,
        at=now,
        expires=expiry(issue_date, valid_days),
        paper=paper,
    )
    name_salt, name_hash = qr.name_tag(serial=serial, name=holder_name)
    return SignedDocument.objects.create(
        serial=serial,
        committee=committee,
        item_key=item_key or "",
        item_name=item_name,
        issue_date=issue_date,
        holder_masked=masking.mask_name(holder_name.strip()),
        name_salt=name_salt,
        name_hash=name_hash,
        seal_key=key,
        token=token,
        seal_box=seal_box,
        prepared_at=now,
    )


def _require_open(doc: SignedDocument, pdf: bytes) -> None:
    """What issuing an electronic or a paper certificate both ask of its record: not
    issued yet, not withdrawn, not past the validity its guide set when it was
    verified (issue 14: it would be invalid the moment it was handed over), and a
    document to issue."""
    if doc.signed_at is not None:
        raise Conflict(_("该证明已经盖章"), code=EsignCode.DOCUMENT_SIGNED)
    if doc.withdrawn_at is not None:
        raise Conflict(_("该证明已撤回"), code=EsignCode.DOCUMENT_WITHDRAWN)
    if tokens.parse(doc.token).claims.expired(clock.now()):
        raise Conflict(
            _("该证明已超过有效期，不能出具，请重新办理"),
            code=EsignCode.DOCUMENT_EXPIRED,
        )
    if not pdf:
        raise InvalidInput(_("不能在空白文件上盖章"), code=CoreCode.DOCUMENT_REQUIRED)


def _lock_document(serial: str) -> SignedDocument:
    doc = unique_row(  # the serial is unique
        SignedDocument.objects.select_for_update(of=("self",), no_key=True)
        .select_related("committee")
        .filter(serial=serial)
    )
    if doc is None:
        raise NotFound(
            _("没有编号为 %s 的电子证明") % serial, code=EsignCode.DOCUMENT_NOT_FOUND
        )
    return doc


@transaction.atomic
def document_sign(
    *,
    actor: Actor,
    serial: str,
    pdf: bytes,
    approved_sha256: str,
    register_entry: Any = None,
    box: tuple[float, float, float, float] | None = None,
    page: int = 0,
    timestamp_url: str | None = None,
    rendered_from_draft: bool = False,
) -> SignedDocument:
    """Apply the electronic seal: the PAdES signature over the approved PDF.

    `approved_sha256` is what the approval bound. Without `rendered_from_draft` the PDF
    must hash to it (REQ-057). With it, the approval bound a draft (issue 14:
    certificates are approved as drafts marked 草稿·未生效) and the PDF is the
    certificate rendered again from that draft's content, which the caller has
    checked against the draft byte for byte; the draft's hash is kept as
    `draft_sha256`, which the approval and the register entry name, and the signed
    revision's as `approved_sha256`.

    `box` places the visible seal (points, on `page`; by default where the document
    was prepared to have it, else the signature is invisible). By default the
    signature is PAdES B-LTA, timestamped by the county's authority or
    settings.TSA_URL (tsa.for_signing); `timestamp_url` names another TSA, "" gives
    B-B. Refused when the PDF is not what was
    approved (REQ-057, as above), the seal cannot be used (REQ-061–063, REQ-066), the actor is not
    its current custodian (REQ-070), or its certificate is revoked or expired (REQ-115).
    """
    doc = _lock_document(serial)
    registry = ports.seals()
    if doc.seal_key.seal_id is None:
        raise NotFound(_("电子证明没有对应的印章"), code=CoreCode.SEAL_NOT_FOUND)
    seal = registry.lock(doc.seal_key.seal_id)
    policy.require(actor, "usage.seal", doc.committee)
    _require_open(doc, pdf)
    if len(pdf) > MAX_PDF_BYTES:
        raise InvalidInput(_("文件不能超过 20 MB"), code=CoreCode.DOCUMENT_TOO_LARGE)
    digest = hashlib.sha256(pdf).hexdigest()
    if not rendered_from_draft and digest != approved_sha256:
        raise StaleContent(_("证明文件与签批时不一致，不能盖章"))  # REQ-057
    registry.require_usable(seal)  # REQ-061–063, REQ-066
    keeper = registry.custodian_id(seal)
    if keeper is None or keeper != actor.pk:
        raise NotAllowed(  # REQ-070
            _("只有该印章的现任印章管理人可以盖章"), code=CoreCode.NOT_THE_CUSTODIAN
        )
    key = KeyPair.objects.select_for_update().get(pk=doc.seal_key_id)
    now = clock.now()
    pki.require_valid_for_signing(key, now)  # REQ-115: a revoked seal signs nothing
    keys.require_private(key)  # a destroyed seal's key signs nothing either
    # The signature and the CRL carry whole seconds; the recorded signing time is the
    # signature's, so the database and any validator order it the same way.
    at = now.replace(microsecond=0)
    links = pki.chain(key)
    if box is None and doc.seal_box:
        page, box = int(doc.seal_box[0]), tuple(doc.seal_box[1:5])
    stamper, long_term = tsa.for_signing(key, timestamp_url=timestamp_url)
    signed = pades.sign_pdf(
        pdf,
        signing_cert_der=pki.certificate_der(key),
        private_key_der=b"" if key.hsm_label else keys.private_key_der(key),
        hsm_label=key.hsm_label,
        chain_der=[pki.certificate_der(link) for link in links[1:]],
        at=at,
        reason=_("出具证明 %s") % doc.serial,
        location=doc.committee.name,
        name=seal.imprint,
        box=box,
        page=page,
        appearance=pades.seal_appearance(doc.committee.name, _diameter(box)),
        timestamper=stamper,
        long_term=long_term,
    )
    doc.signed_pdf.save(f"{doc.serial}.pdf", ContentFile(signed.data), save=False)
    doc.signed_sha256 = hashlib.sha256(signed.data).hexdigest()
    doc.approved_sha256, doc.approved_size = digest, len(pdf)
    doc.draft_sha256 = approved_sha256 if rendered_from_draft else ""
    doc.signed_at, doc.signed_by = signed.signed_at, actor
    doc.level = signed.level
    doc.register_entry = register_entry
    doc.save()
    audit.record(
        actor=actor,
        event="esign.document_signed",
        subject=doc,
        after={
            "serial": doc.serial,
            "seal": seal.serial,
            "key_id": key.key_id,
            "level": doc.level,
            "approved_sha256": digest,
            "draft_sha256": doc.draft_sha256,
            "signed_sha256": doc.signed_sha256,
            "register_entry": register_entry.pk if register_entry else None,
        },
    )
    return doc


def _diameter(box: tuple[float, float, float, float] | None) -> float:
    if box is None:
        return 120.0
    return float(min(abs(box[2] - box[0]), abs(box[3] - box[1])))


@transaction.atomic
def document_withdraw(*, actor: Actor, serial: str, reason: str) -> SignedDocument:
    """Withdraw an issued certificate: verification says “withdrawn” from now on."""
    doc = _lock_document(serial)
    policy.require(actor, "esign.withdraw", doc)
    if not (reason or "").strip():
        raise InvalidInput(_("请填写撤回原因"), code=CoreCode.REASON_REQUIRED)
    if doc.signed_at is None:
        raise Conflict(_("该证明尚未出具"), code=EsignCode.DOCUMENT_NOT_SIGNED)
    if doc.withdrawn_at is not None:
        raise Conflict(_("该证明已撤回"), code=EsignCode.DOCUMENT_WITHDRAWN)
    fields = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    with audit.recorded(
        actor=actor, event="esign.document_withdrawn", subject=doc, fields=fields
    ):
        doc.withdrawn_at, doc.withdrawn_by = clock.now(), person(actor)
        doc.withdrawal_reason = reason.strip()
    verdicts.forget(doc.token)
    return doc


# Departments' verification queries (REQ-111) ---------------------------------------


def query_departments(actor: Actor) -> list[tuple[str, str]]:
    """The departments the actor speaks for in a query (its department grants), as
    (code, label), for a form to offer when there are several."""
    return [(d, department_label(d)) for d in policy.departments_of(actor)]


def requesting_department(actor: Actor, department: str = "") -> str:
    """The department a query is made for: one of the actor's department grants (the
    one named, or the first), else the actor's role."""
    grants = policy.grants_of(actor)
    departments = policy.departments_of(actor)
    if department:
        if department not in departments and not actor.is_superuser:
            raise NotAllowed(
                _("您不代表该部门查询"), code=EsignCode.NOT_THAT_DEPARTMENT
            )
        chosen = department
    elif departments:
        chosen = departments[0]
    else:
        roles = sorted({role for role, _c, _d in grants})
        return str(Role(roles[0]).label) if roles else _("系统管理员")
    return department_label(chosen)


def verification_query(
    *,
    actor: Actor,
    legal_basis: str,
    purpose: str,
    token: str = "",
    pdf: bytes | None = None,
    serial: str = "",
    holder_name: str = "",
    department: str = "",
) -> tuple[VerificationQuery, Any]:
    """A department verifies a certificate by its token, its PDF or its serial; the
    query is refused without a legal basis and recorded (REQ-111). Returns the query
    and the verification result.

    The query's row is the one write, committed before the answer (issue 15: one
    INSERT, no transaction of its own); the audit journal seals the queries in
    batches (esign.journal), not one entry a query."""
    from . import journal, verification

    policy.require(actor, "esign.verify")
    legal_basis, purpose = (legal_basis or "").strip(), (purpose or "").strip()
    if not legal_basis:
        raise InvalidInput(  # REQ-111
            _("请填写查询的法律依据（按照法定程序办理查询核查业务）"),
            code=EsignCode.LEGAL_BASIS_REQUIRED,
        )
    if not purpose:
        raise InvalidInput(_("请填写查询目的"), code=CoreCode.PURPOSE_REQUIRED)
    given = [k for k, v in (("token", token), ("pdf", pdf), ("serial", serial)) if v]
    if len(given) != 1:
        raise InvalidInput(
            _("请提供二维码凭据、PDF 文件或证明编号中的一项"),
            code=EsignCode.ONE_SUBJECT,
        )
    if pdf is not None and len(pdf) > MAX_PDF_BYTES:
        raise InvalidInput(_("文件不能超过 20 MB"), code=CoreCode.DOCUMENT_TOO_LARGE)
    name = holder_name.strip() or None
    if token:
        kind, subject = QueryKind.TOKEN, hashlib.sha256(token.encode()).hexdigest()
        result = verification.verify_token(token, holder_name=name)
    elif pdf:
        kind, subject = QueryKind.PDF, hashlib.sha256(pdf).hexdigest()
        result = verification.verify_pdf(pdf, holder_name=name)
    else:
        # Issue 13: by serial, only certificates of the asker's jurisdiction.
        kind, subject = QueryKind.SERIAL, serial.strip()[:100]
        result = verification.verify_serial(
            serial.strip(),
            holder_name=name,
            within=policy.scope(actor, "esign.verify").covers,
        )
    query = VerificationQuery.objects.create(
        requester=require_person(actor),
        department=requesting_department(actor, department)[:100],
        legal_basis=legal_basis,
        purpose=purpose,
        kind=kind,
        subject=result.serial or subject,
        document=result.document,
        verdict=result.verdict,
        name_matches=result.name_matches,
        asked_at=clock.now(),
    )
    journal.noted()
    return query, result


# Paper certificates (issue 14, deliverable 4) ----------------------------------------
#
# A certificate sealed with the committee's physical seal is verifiable too: its QR
# token is signed by the township's issuing authority (制发机关, pki.authority), which
# vouches that the committee's certificate register has this serial, not that a seal
# signed anything. The record is a SignedDocument whose `seal_key` is the authority's
# key (qr.is_paper): prepared when the certificate is rendered, marked issued when the
# custodian records the stamping; there is no PDF signature.


@transaction.atomic
def paper_document_prepare(
    *,
    actor: Actor,
    committee_code: str,
    serial: str,
    item_key: str,
    item_name: str,
    issue_date: dt.date,
    holder_name: str,
    valid_days: int | None = None,
) -> SignedDocument:
    """Make the QR token of a paper certificate about to be rendered, signed with the
    township's issuing-authority key (the committee code's first nine digits); the
    returned document's `token` goes into the certificate (qr.address)."""
    from yinzheng.divisions.models import Division

    committee = unique_row(Division.objects.filter(code=committee_code))
    if committee is None:
        raise NotFound(
            _("区划 %s 不存在") % committee_code, code=CoreCode.DIVISION_NOT_FOUND
        )
    policy.require(actor, "usage.request", committee)
    doc = _prepare(
        key=pki.authority(committee_code[:9]),
        committee=committee,
        serial=serial,
        item_key=item_key,
        item_name=item_name,
        issue_date=issue_date,
        holder_name=holder_name,
        valid_days=valid_days,
        paper=True,
    )
    audit.record(
        actor=actor,
        event="esign.paper_document_prepared",
        subject=doc,
        after={"serial": doc.serial, "form": "paper", "key_id": doc.seal_key.key_id},
    )
    return doc


@transaction.atomic
def paper_document_issue(
    *,
    actor: Actor,
    serial: str,
    pdf: bytes,
    draft_sha256: str = "",
    register_entry: Any = None,
) -> SignedDocument:
    """Mark a paper certificate issued: the moment the custodian records the stamping
    (inside request_issue, after usage_seal wrote the register entry). `pdf` is the
    issued rendering (with the QR), `draft_sha256` the approved draft's SHA-256, which
    the register entry names."""
    doc = _lock_document(serial)
    if not qr.is_paper(doc):
        raise Conflict(_("该证明是电子证明，须电子签章"), code=EsignCode.NOT_PAPER)
    policy.require(actor, "usage.seal", doc.committee)
    _require_open(doc, pdf)
    doc.approved_sha256 = hashlib.sha256(pdf).hexdigest()
    doc.approved_size = len(pdf)
    doc.draft_sha256 = draft_sha256
    doc.signed_at, doc.signed_by = clock.now(), person(actor)
    doc.register_entry = register_entry
    doc.save(
        update_fields=[
            "approved_sha256",
            "approved_size",
            "draft_sha256",
            "signed_at",
            "signed_by",
            "register_entry",
        ]
    )
    audit.record(
        actor=actor,
        event="esign.paper_document_issued",
        subject=doc,
        after={
            "serial": doc.serial,
            "form": "paper",
            "issued_sha256": doc.approved_sha256,
            "draft_sha256": draft_sha256,
            "register_entry": register_entry.pk if register_entry else None,
        },
    )
    return doc


def verification_query_with_code(
    *,
    actor: Actor,
    serial: str = "",
    check_code: str = "",
    token: str = "",
    **rest: Any,
) -> tuple[VerificationQuery, Any]:
    """A department's query (verification_query) that may give a serial with the check
    code printed beside it (issue 14): with the right code it is the token's query, so
    the asker's jurisdiction does not limit it (whoever holds the paper holds the
    token); with a wrong one, the serial's query, limited to the jurisdiction."""
    from . import verification

    policy.require(actor, "esign.verify")
    if check_code.strip() and serial.strip() and not token:
        found = verification.token_for_check_code(serial, check_code)
        if found:
            return verification_query(actor=actor, token=found, **rest)
    return verification_query(actor=actor, serial=serial, token=token, **rest)


def county_signature(*, county_code: str, payload: bytes) -> tuple[str, str]:
    """The county's signature of `payload` for a message leaving the system (REQ-112):
    (key id, signature). ES256 over the bytes as sent, the signature r‖s in base64url
    without padding; the key id is the SHA-256 (hex) of the county root certificate's
    DER, published at /esign/ca/<county>.cer for the receiver to verify with."""
    root = pki.county_root(county_code)
    der = pki.certificate_der(root)
    signature = keys.private_key(root).sign(payload, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(signature)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return (
        hashlib.sha256(der).hexdigest(),
        base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii"),
    )
