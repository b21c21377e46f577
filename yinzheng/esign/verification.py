"""Online verification of a certificate: by its QR token, its PDF or its serial.

Every answer is one of five verdicts (choices.Verdict) with the checks that led to it,
each saying what it found:

- token: reads (format 2 "YZ2:" or format 1 "YZ1:", tokens.py), names a seal key of
  this system, and its signature holds (a changed character breaks it: invalid); it is
  the one issued with that serial, and not past its exp where it has one;
- signature (PDF): pyHanko finds the PAdES signature intact and valid, covering the whole
  file, and the signer's chain trusted up to the county root, with the CRLs of this
  system, at the signing time;
- approved: the bytes before the signature's incremental update hash to what the head
  approved, which is also what the certificate register entry records (REQ-057);
- issued copy: the file is the one this system signed;
- revocation: the seal certificate (and its issuers) were not revoked before the signing
  time (a later revocation leaves the certificate valid: design.md §4);
- register: the certificate register entry exists and still hashes to what was written,
  and a township checkpoint covers it (or not yet);
- status: not withdrawn.

The signing time trusted here is the one this system recorded when it signed; for a PDF
it does not know, a trusted RFC 3161 timestamp, else the time the signer claims.

A paper certificate (sealed with a physical seal, issue 14) is verified by its token
alone: signed by its township's issuing authority (no seal key, no PDF signature), the
one recorded for its serial, issued and in the register, and not annulled
(`_judge_paper`). Anyone may also verify a certificate by its serial and the check
code printed beside it (`verify_check_code`): a wrong code answers exactly as a serial
never issued.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.core import clock, ratelimit
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.ledger import audit
from yinzheng.ledger.canonical import entry_hash
from yinzheng.ledger.models import Checkpoint
from yinzheng.ledger.services import _at_text

from . import pades, pki, qr, tokens, tsa, verdicts
from .choices import KeyPurpose, Verdict
from .errors import EsignCode
from .models import KeyPair, RevocationList, SignedDocument


@dataclass
class Check:
    name: str
    ok: bool | None  # None: said for information, decides nothing
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "message": self.message}


@dataclass
class Result:
    verdict: str
    reason: str = ""
    checks: list[Check] = field(default_factory=list)
    document: SignedDocument | None = None
    serial: str = ""
    name_matches: bool | None = None
    signed_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    # Set when the verdict is kept in the cache (verdicts.Kept): pages rendered from it
    # may be kept as long.
    kept: Any = field(default=None, repr=False, compare=False)

    @property
    def paper(self) -> bool:
        """A paper certificate's (its token signed by the township, issue 14)."""
        return self.document is not None and qr.is_paper(self.document)

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    def add(self, name: str, ok: bool | None, message: str) -> None:
        self.checks.append(Check(name, ok, message))

    def finish(self, verdict: str, reason: str) -> "Result":
        self.verdict, self.reason = verdict, reason
        return self

    def public(self) -> dict[str, Any]:
        """What anyone may see: no full name, nothing of the register but its state."""
        doc = self.document
        out: dict[str, Any] = {
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "reason": self.reason,
            "serial": self.serial,
        }
        if doc is not None:
            out.update(
                committee_code=doc.committee_id,
                committee_name=doc.committee.name,
                item=doc.item_name,
                issue_date=doc.issue_date.isoformat(),
                holder=doc.holder_masked,
                signed_at=_iso(doc.signed_at),
                withdrawn_at=_iso(doc.withdrawn_at),
                form="paper" if self.paper else "electronic",
            )
        out["seal_revoked_at"] = _iso(self.revoked_at)
        out["name_matches"] = self.name_matches
        return out

    def as_dict(self) -> dict[str, Any]:
        out = self.public()
        out["checks"] = [c.as_dict() for c in self.checks]
        if self.document is not None:
            out["level"] = self.document.level
            out["seal_serial"] = (
                self.document.seal_key.seal.serial
                if self.document.seal_key.seal is not None
                else ""
            )
        return out


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


# Tokens ---------------------------------------------------------------------------


def _token_key(parsed: tokens.Parsed) -> KeyPair | None:
    """The seal key a token's kid names: for format 1 the key's own short id, for
    format 2 the hash of its certificate, among the seal keys of the committee the
    token names (a handful of rows: no column holds that hash). A paper certificate's
    token names its township's issuing-authority key, current or retired."""
    if parsed.claims.paper:
        authorities = KeyPair.objects.filter(
            purpose=KeyPurpose.AUTHORITY, division_id=parsed.claims.committee[:9]
        ).exclude(certificate_pem="")
        for row in authorities.order_by():
            if qr.cert_kid(row) == parsed.kid:
                return row
        return None
    seal_keys = KeyPair.objects.filter(purpose=KeyPurpose.SEAL).exclude(
        certificate_pem=""
    )
    if parsed.version == 1:
        return _one(seal_keys.filter(kid=parsed.kid))
    for row in seal_keys.filter(division_id=parsed.claims.committee).order_by():
        if qr.cert_kid(row) == parsed.kid:
            return row
    return None


def verify_token(text: str, *, holder_name: str | None = None) -> Result:
    """The verdict on a token: from the cache when this token's certificate was judged
    within VERDICT_SECONDS and nothing that changes the verdict happened since."""
    try:
        token = tokens.from_text(text)
    except tokens.TokenError:
        return _verify_token(text)
    kept, generation = verdicts.read(token)
    if kept is not None:
        result: Result = kept.value
        result.kept = kept
    else:
        result = _verify_token(token)
        expires = _keepable(result)
        if expires is not False:
            result.kept = verdicts.keep(
                token, result, generation=generation, expires=expires
            )
    if holder_name is not None and result.document is not None:
        result.name_matches = qr.name_matches(result.document, holder_name)
    return result


def _keepable(result: Result) -> int | None | Literal[False]:
    """The token's exp (None: none) for a verdict on an issued certificate whose token
    verified; False for anything else, which is never kept."""
    doc = result.document
    if doc is None or doc.signed_at is None or result.verdict == Verdict.INVALID:
        return False
    try:
        return tokens.parse(doc.token).claims.expires
    except tokens.TokenError:
        return False


def _verify_token(text: str) -> Result:
    result = Result(Verdict.UNKNOWN)
    try:
        token = tokens.from_text(text)
        parsed = tokens.parse(token)
    except tokens.TokenError as exc:
        result.add("token", False, _("凭据无法识别（%s）") % exc.code)
        return result.finish(Verdict.INVALID, _("二维码凭据无法识别或已损坏"))
    result.serial = parsed.claims.serial
    key = _token_key(parsed)
    if key is None:
        if parsed.claims.paper:
            result.add("token", False, _("签发凭据的制发机关不是本系统的"))
        else:
            result.add("token", False, _("签发凭据的电子印章不是本系统签发的"))
        return result.finish(Verdict.UNKNOWN, _("无法确认该凭据的出具单位"))
    public = serialization.load_pem_public_key(key.public_key_pem.encode())
    if not tokens.verify_signature(parsed, public):
        result.add("token", False, _("凭据签名不成立，内容可能被改动"))
        return result.finish(Verdict.INVALID, _("二维码凭据签名无效"))
    result.add("token", True, _("凭据签名有效"))
    doc = _document(serial=parsed.claims.serial)
    if doc is None:
        result.add("register", False, _("没有找到该编号已出具的证明"))
        return result.finish(Verdict.UNKNOWN, _("没有找到该证明的出具记录"))
    if doc.token != token or doc.seal_key_id != key.pk:
        result.document = doc
        result.add("token", False, _("凭据与登记的证明不一致"))
        return result.finish(Verdict.INVALID, _("凭据与登记的证明不一致"))
    return _judge(result, doc, signed_at=doc.signed_at, holder_name=None)


def verify_serial(
    serial: str,
    *,
    holder_name: str | None = None,
    within: Callable[[str], bool] | None = None,
) -> Result:
    """By serial: for authenticated departments only (the public page takes the
    signed token, so serials cannot be enumerated there). `within(committee_code)`
    says whether the asker's jurisdiction covers the certificate; outside it the
    answer is the one for a serial never issued, so a guessable serial neither shows
    that a certificate exists nor confirms its holder's name."""
    result = Result(Verdict.UNKNOWN, serial=serial)
    doc = _document(serial=serial)
    if doc is not None and within is not None and not within(doc.committee_id):
        doc = None
    if doc is None:
        result.add("register", False, _("没有找到该编号已出具的证明"))
        return result.finish(Verdict.UNKNOWN, _("没有找到该证明的出具记录"))
    return _judge(result, doc, signed_at=doc.signed_at, holder_name=holder_name)


def _unknown_serial(serial: str) -> Result:
    result = Result(Verdict.UNKNOWN, serial=serial)
    result.add("register", False, _("没有找到该编号已出具的证明"))
    return result.finish(Verdict.UNKNOWN, _("没有找到该证明的出具记录"))


def _checked_document(serial: str, code: str) -> SignedDocument | None:
    """The issued certificate `serial`, when `code` is its check code; else None. The
    code is checked first: a wrong one never reaches the database, so neither the
    answer nor the time taken tells a serial that exists from one never issued."""
    if not qr.check_code_matches(serial, code):
        return None
    doc = _document(serial=serial)
    if doc is None or doc.signed_at is None:
        return None
    return doc


def verify_check_code(
    serial: str, code: str, *, holder_name: str | None = None
) -> Result:
    """By the serial and the check code printed beside it (issue 14), for anyone: the
    pair is as good as the token. A wrong code, a serial never issued and one not yet
    issued get the same answer, word for word."""
    serial = (serial or "").strip()[:40]
    doc = _checked_document(serial, code)
    if doc is None:
        return _unknown_serial(serial)
    result = Result(Verdict.UNKNOWN, serial=serial)
    result.add("check_code", True, _("核验码与证明编号相符"))
    return _judge(result, doc, signed_at=doc.signed_at, holder_name=holder_name)


def token_for_check_code(serial: str, code: str) -> str:
    """The token of the issued certificate `serial` when `code` is its check code,
    else "" (a department's query by serial and code is the token's, services)."""
    doc = _checked_document((serial or "").strip()[:40], code)
    return doc.token if doc is not None else ""


def _one(qs):
    # No ORDER BY: the look-ups are by unique or near-unique keys, and compiling the
    # models' default orderings across the joins is most of a verification's time.
    rows = list(qs.order_by()[:1])
    return rows[0] if rows else None


def _document(**lookup: Any) -> SignedDocument | None:
    return _one(
        SignedDocument.objects.select_related(
            "committee",
            "seal_key__seal",
            "seal_key__issuer__issuer",
            "register_entry__chain",
        ).filter(**lookup)
    )


# PDFs -----------------------------------------------------------------------------


def _chain_material(
    key: KeyPair | None,
) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Trust roots, intermediate certificates and CRLs to validate a signer's chain: its
    own county's when the signer is one of ours, else every county root."""
    if key is not None:
        links = pki.chain(key)
        roots = [pki.certificate_der(links[-1])]
        others = [pki.certificate_der(link) for link in links[1:-1]]
        crls = [bytes(pki.current_crl(link).der) for link in links[1:]]
        return roots, others, crls
    roots = [
        pki.certificate_der(r)
        for r in KeyPair.objects.filter(purpose=KeyPurpose.ROOT).exclude(
            certificate_pem=""
        )
    ]
    return roots, [], [bytes(c.der) for c in RevocationList.objects.all()[:1000]]


def _signer_key(der: bytes) -> KeyPair | None:
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(der)
    for row in KeyPair.objects.filter(
        purpose=KeyPurpose.SEAL, serial_number=format(cert.serial_number, "x")
    ):
        if pki.certificate_der(row) == der:
            return row
    return None


def _same_signed_revision(doc: SignedDocument, data: bytes, signed_end: int) -> bool:
    """Whether `data` up to the end of its signature is the stored signed file's."""
    if not doc.signed_pdf or signed_end <= 0:
        return False
    with doc.signed_pdf.open("rb") as fh:
        stored = fh.read(signed_end)
    return len(stored) == signed_end and stored == data[:signed_end]


def verify_pdf(data: bytes, *, holder_name: str | None = None) -> Result:
    result = Result(Verdict.UNKNOWN)
    digest = hashlib.sha256(data).hexdigest()
    ends = pades.revision_ends(data)
    doc, approved_end = None, None
    for end in ends[:-1]:
        found = _document(approved_sha256=hashlib.sha256(data[:end]).hexdigest())
        if found is not None and found.approved_size == end:
            doc, approved_end = found, end
            break
    try:
        _reader, sig = pades.last_signature(data)
    except Exception:
        sig = None
    if sig is None:
        result.add("signature", False, _("文件中没有电子签名，或文件无法读取"))
        return result.finish(Verdict.INVALID, _("文件没有有效的电子签章"))
    signer_der = sig.signer_cert.dump()
    key = _signer_key(signer_der)
    # The stored file may have grown since this copy was handed out (validation data
    # and archive timestamps added by `esign timestamp-renew`): the same signed
    # revision is the same issued copy.
    recorded = doc is not None and (
        doc.signed_sha256 == digest
        or _same_signed_revision(doc, data, pades.signature_end(sig))
    )
    moment = (
        doc.signed_at if doc is not None and recorded else sig.self_reported_timestamp
    )
    roots, others, crls = _chain_material(key)
    check = pades.validate(
        data,
        trust_roots=roots,
        other_certs=others,
        crls=crls,
        moment=moment,
        ts_roots=tsa.outside_roots(),
    )
    if not check.cryptographically_ok:
        result.add(
            "signature",
            False,
            _("签名不成立：签名后文件被改动（%s）") % (check.error or check.summary),
        )
        return result.finish(Verdict.INVALID, _("文件在盖章后被改动，签章无效"))
    if not check.whole_file:
        result.add("signature", False, _("签名之后文件又被追加修改"))
        return result.finish(Verdict.INVALID, _("文件在盖章后被改动，签章无效"))
    result.add(
        "signature", True, _("PAdES 签名完整有效，覆盖除验证数据和时间戳外的整个文件")
    )
    if key is None or not (check.trusted or check.revoked):
        result.add("chain", False, _("签名证书不是本系统签发的，或证书链不可信"))
        return result.finish(Verdict.UNKNOWN, _("无法确认签章单位"))
    # Revoked at the signing time, in pyHanko's view: the revocation check below says
    # when and decides.
    result.add(
        "chain",
        check.trusted or None,
        _("证书链可信：电子印章 → 乡镇（街道）制发机关 → 县级根证书")
        if check.trusted
        else _("证书链可溯至县级根证书，但签名时证书已吊销"),
    )
    if check.timestamp_time is not None:
        result.add(
            "timestamp",
            None if not check.timestamp_trusted else True,
            _("时间戳 %(t)s（%(state)s）")
            % {
                "t": _local(check.timestamp_time),
                "state": _("可信")
                if check.timestamp_trusted
                else _("时间戳机构未配置为可信"),
            },
        )
    if doc is None:
        result.add("approved", False, _("没有找到与该文件签批内容对应的出具记录"))
        return result.finish(Verdict.UNKNOWN, _("没有找到该证明的出具记录"))
    result.serial = doc.serial
    # The approved revision is the one the signature's update follows; B-LTA's DSS and
    # document timestamp revisions may come after the signature's.
    before = [end for end in ends if end < check.signed_end]
    if approved_end != (before[-1] if before else None):
        result.add("approved", False, _("签名所在的修订不是紧接签批版本"))
        return result.finish(Verdict.INVALID, _("文件与签批内容不一致"))
    result.add("approved", True, _("签名前的文件与签批时的文件一致（SHA-256 相同）"))
    if not recorded or doc.seal_key_id != key.pk:
        result.document = doc
        result.add("issued", False, _("该文件不是本系统盖章出具的那一份"))
        return result.finish(Verdict.INVALID, _("文件与出具记录不一致"))
    result.add("issued", True, _("与出具时盖章的文件一致"))
    return _judge(result, doc, signed_at=doc.signed_at, holder_name=holder_name)


# The verdict on a known document --------------------------------------------------


def _first_revocation(key: KeyPair) -> dt.datetime | None:
    times = [link.revoked_at for link in pki.chain(key) if link.revoked_at]
    return min(times) if times else None


def _register(result: Result, doc: SignedDocument) -> bool:
    entry = doc.register_entry
    if entry is None:
        result.add("register", False, _("出具证明登记簿中没有该证明的条目"))
        return False
    intact = (
        entry_hash(
            chain=entry.chain.key,
            seq=entry.seq,
            prev=entry.prev_hash,
            at=_at_text(entry.recorded_at),
            body=entry.body,
        )
        == entry.hash
    )
    fields = (entry.data.get("data") or {}).get("fields") or {}
    # The register names what the head approved: the draft, when the certificate was
    # issued as a rendering of it (issue 14), else the signed PDF's approved revision.
    approved = doc.draft_sha256 or doc.approved_sha256
    same = fields.get("document_sha256") == approved and fields.get(
        "certificate_no", doc.serial
    ) in ("", doc.serial)
    if not (intact and same):
        result.add("register", False, _("登记簿条目与该证明不符或已被改动"))
        return False
    checkpoint = (
        Checkpoint.objects.filter(chain=entry.chain, seq__gte=entry.seq)
        .order_by("seq")
        .first()
    )
    if checkpoint is not None:
        covered = _("已由乡镇（街道）于 %s 签署检查点") % _local(checkpoint.signed_at)
    else:
        covered = _("尚未签署检查点")
    result.add(
        "register",
        True,
        _("已登记于出具证明事项登记簿 %(year)s 年第 %(seq)d 条，%(covered)s")
        % {
            "year": entry.chain.key.rsplit(":", 1)[-1],
            "seq": entry.seq,
            "covered": covered,
        },
    )
    return True


def _expired(doc: SignedDocument) -> bool:
    try:
        claims = tokens.parse(doc.token).claims
    except tokens.TokenError:
        return False
    return claims.expired(clock.now())


def _judge(
    result: Result,
    doc: SignedDocument,
    *,
    signed_at: dt.datetime | None,
    holder_name: str | None,
) -> Result:
    # Past the validity its item's guide set (the token's exp), whichever way the
    # certificate was asked about: token, serial and check code, PDF or serial.
    if _expired(doc):
        result.document, result.serial = doc, doc.serial
        result.add("expiry", False, _("证明已超过有效期"))
        return result.finish(Verdict.INVALID, _("证明已超过有效期"))
    if qr.is_paper(doc):
        return _judge_paper(result, doc, holder_name=holder_name)
    result.document, result.serial = doc, doc.serial
    result.signed_at = signed_at
    if holder_name is not None:
        result.name_matches = qr.name_matches(doc, holder_name)
    if signed_at is None:
        result.add("status", False, _("该证明尚未盖章出具"))
        return result.finish(Verdict.UNKNOWN, _("该证明尚未出具"))
    revoked = _first_revocation(doc.seal_key)
    result.revoked_at = revoked
    if revoked is not None and revoked <= signed_at:
        result.add(
            "revocation",
            False,
            _("电子印章证书于 %(r)s 吊销，晚于此的盖章 %(s)s 无效")
            % {"r": _local(revoked), "s": _local(signed_at)},
        )
        return result.finish(Verdict.SEAL_REVOKED, _("盖章时印章已停止使用，证明无效"))
    if revoked is not None:
        result.add(
            "revocation",
            True,
            _("印章已于 %(r)s 停止使用；本证明盖章在前（%(s)s），仍然有效")
            % {"r": _local(revoked), "s": _local(signed_at)},
        )
    else:
        result.add("revocation", True, _("电子印章证书未吊销"))
    if not _register(result, doc):
        return result.finish(Verdict.UNKNOWN, _("登记簿中没有该证明的有效记录"))
    if doc.withdrawn_at is not None:
        result.add("status", False, _("已于 %s 撤回") % _local(doc.withdrawn_at))
        return result.finish(Verdict.WITHDRAWN, _("该证明已被出具单位撤回"))
    result.add("status", True, _("证明有效，未撤回"))
    return result.finish(Verdict.VALID, _("证明真实有效"))


def _judge_paper(
    result: Result, doc: SignedDocument, *, holder_name: str | None
) -> Result:
    """A paper certificate: its token (checked by the caller) is all there is to check
    besides the record. Issued when the custodian recorded the stamping; its issuing
    authority's key must not have been revoked before the token was made; the register
    entry; not annulled."""
    result.document, result.serial = doc, doc.serial
    result.signed_at = doc.signed_at
    if holder_name is not None:
        result.name_matches = qr.name_matches(doc, holder_name)
    result.add(
        "form",
        None,
        _("纸质证明：加盖实物印章出具，二维码凭据由乡镇（街道）制发机关签发"),
    )
    if doc.signed_at is None:
        result.add("status", False, _("该证明尚未盖章出具"))
        return result.finish(Verdict.UNKNOWN, _("该证明尚未出具"))
    revoked = _first_revocation(doc.seal_key)
    if revoked is not None and revoked <= doc.prepared_at:
        result.add(
            "revocation",
            False,
            _("制发机关证书于 %(r)s 吊销，早于凭据生成时间 %(s)s")
            % {"r": _local(revoked), "s": _local(doc.prepared_at)},
        )
        return result.finish(Verdict.INVALID, _("二维码凭据的签发机关证书已吊销"))
    if not _register(result, doc):
        return result.finish(Verdict.UNKNOWN, _("登记簿中没有该证明的有效记录"))
    if doc.withdrawn_at is not None:
        result.add("status", False, _("已于 %s 作废") % _local(doc.withdrawn_at))
        return result.finish(Verdict.WITHDRAWN, _("该证明已被出具单位作废"))
    result.add("status", True, _("证明已出具，未作废"))
    return result.finish(
        Verdict.VALID, _("证明真实有效；纸质证明请同时核对纸面上的印章")
    )


# The holder's name typed on the public page -------------------------------------------

# Per certificate, across all addresses: a name has little entropy, so guesses spread
# over many addresses must not add up (issue 14). The page also limits each address
# (portal/views/verification.py).
NAME_CHECKS_PER_CERTIFICATE_PER_DAY = 20


class NameChecksExhausted(DomainError):
    code = EsignCode.NAME_CHECKS_EXHAUSTED
    message = gettext_lazy("该证明今日的姓名核对次数已用完，请明日再试。")
    status = 429


def _over_budget(serial: str) -> bool:
    day = clock.today().isoformat()  # the local day: the budget renews at midnight
    count = ratelimit.hit(f"esign:name-checks:{serial}:{day}", 2 * 24 * 3600)
    return count > NAME_CHECKS_PER_CERTIFICATE_PER_DAY


@transaction.atomic
def public_name_check(result: Result, *, name: str, client: str) -> Result:
    """Compare the name a visitor typed with the holder's (the server's keyed HMAC;
    the token carries nothing of the name) and journal the check, with the verifier's
    address keyed and shortened, never the name. Only for an issued certificate; at
    most NAME_CHECKS_PER_CERTIFICATE_PER_DAY a day for one certificate
    (NameChecksExhausted)."""
    doc = result.document
    if doc is None or doc.signed_at is None:
        return result
    if _over_budget(doc.serial):
        raise NameChecksExhausted()
    result.name_matches = qr.name_matches(doc, name)
    audit.record(
        actor=SYSTEM,
        event="esign.public_name_check",
        subject=doc,
        after={
            "serial": doc.serial,
            "matches": result.name_matches,
            "client": qr.client_tag(client),
        },
    )
    return result
