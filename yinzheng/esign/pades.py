"""PAdES signatures on certificate PDFs, with pyHanko.

Signing appends an incremental update to the PDF: the approved bytes stay a prefix of the
signed file, byte for byte, so "what was approved" is checked by hashing that prefix
(`approved_prefix`). The signing time is core.clock's, so the register, the database and
the signature agree. The visible appearance is the committee's seal
(certificates.seal_image) drawn over the given box; without a box the signature is
invisible. A key held in an HSM signs through pyHanko's PKCS#11 signer (hsm.py), any
other with its decrypted PKCS#8 key.

Levels (ETSI EN 319 142-1). B-B: ETSI.CAdES.detached, SHA-256, the signer's chain
embedded, the time only as the signer claims it. B-T: plus an RFC 3161 signature
timestamp. B-LTA, the default of document_sign (`long_term_material`): a signature
timestamp from the county's timestamp authority (tsa.py; settings.TSA_URL's instead when
configured), then one more revision holding the Document Security Store — every
certificate of the chains and the CRLs of the county root and the township, all from
the database, no network — and a document timestamp over everything. Seals are revoked
at every election; a validator that trusts only the county root then still finds, in
the file itself, proof that the signature existed before the revocation and that the
certificate was good at that time. `archive_timestamp` adds a new document timestamp
before the last one's certificate expires (`yinzheng esign timestamp-renew`).

So the file is: the approved revision, the signature's revision, then DSS and document
timestamp revisions only. `validate` judges the last regular signature (not a document
timestamp) and accepts after it only those LTA updates (pyHanko's difference analysis).
It runs pyHanko's validator against the county roots and CRLs from the database, at a
given moment (the trusted signing time) with revocation information taken as valid
retroactively, so a certificate revoked after the signature does not make it invalid;
`validate_long_term` runs the AdES long-term validation an outside verifier runs, with
the trust roots alone and the material in the file.
"""

import asyncio
import binascii
import concurrent.futures
import datetime as dt
import hashlib
import io
import logging
import uuid
import weakref
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from asn1crypto import crl as asn1_crl_module
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfCMSSignedAttributes, PdfTimeStamper
from pyhanko.sign.validation import async_add_validation_info, validate_pdf_signature
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import hsm

FIELD_NAME = "YinzhengSeal"
T = TypeVar("T")


def _run(work: Coroutine[Any, Any, T]) -> T:
    """pyHanko's signing is a coroutine. Run it to the end here; from code that
    already runs an event loop in this thread (an ASGI worker, a browser test's
    driver) in a thread of its own, since asyncio.run refuses a running loop. The
    coroutine needs nothing from the database: its keys, certificates and CRLs were
    loaded before."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


logger = logging.getLogger(__name__)


class _PdfBytesPage(content.PdfContent):
    """The first page of a PDF held in memory, as a form XObject (pyHanko's
    ImportedPdfPage reads from a file name)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), 0)
        name = b"/Seal" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


@lru_cache(maxsize=256)
def seal_appearance(committee_name: str, diameter: float) -> bytes:
    """A one-page PDF of the seal, `diameter` points wide: the drawing of
    certificates.seal_image when it is there, else a plain red ring with the name."""
    from reportlab.pdfgen.canvas import Canvas

    from yinzheng.core.pdf import cjk_font

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(diameter, diameter), invariant=1)
    font = cjk_font()
    try:
        from yinzheng.core.seal_image import draw_seal
    except ImportError:  # the certificate work is not installed: a simple stamp
        c.setStrokeColorRGB(0.88, 0.13, 0.11)
        c.setFillColorRGB(0.88, 0.13, 0.11)
        c.setLineWidth(diameter * 0.03)
        c.circle(diameter / 2, diameter / 2, diameter * 0.46, stroke=1, fill=0)
        c.setFont(font, diameter * 0.09)
        c.drawCentredString(diameter / 2, diameter / 2, committee_name[:12])
    else:
        draw_seal(
            c,
            committee_name=committee_name,
            cx=diameter / 2,
            cy=diameter / 2,
            diameter=diameter,
            font_name=font,
        )
    c.showPage()
    c.save()
    return buf.getvalue()


@lru_cache(maxsize=8)
def _timestamper(url: str) -> timestamps.TimeStamper:
    # One per URL: pyHanko caches the size estimate of the TSA's answer on it.
    return timestamps.HTTPTimeStamper(url, timeout=10)


def timestamper_for(url: str | None) -> timestamps.TimeStamper | None:
    return _timestamper(url) if url else None


def asn1_certificate(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def asn1_crl(der: bytes) -> asn1_crl_module.CertificateList:
    return asn1_crl_module.CertificateList.load(der)


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    signed_at: dt.datetime
    level: str  # "B-B", "B-T", "B-LT" or "B-LTA"


@dataclass(frozen=True)
class LongTerm:
    """What a validator needs besides the file and its trust roots, put into the
    file's DSS (DER): the roots, the other certificates of the chains (issuing
    authorities, timestamp authorities) and the CRLs. `archive`: close with a
    document timestamp (B-LTA) rather than stop at the DSS (B-LT)."""

    trust_roots: list[bytes]
    other_certs: list[bytes]
    crls: list[bytes]
    archive: bool = True

    def context(self, moment: dt.datetime | None) -> ValidationContext:
        # Soft-fail: a certificate revoked per these CRLs still fails, only a TSA
        # whose revocation data is not held locally (an outside TSA) passes; the
        # seal's own revocation was refused before signing (pki).
        return ValidationContext(
            trust_roots=[asn1_certificate(d) for d in self.trust_roots],
            other_certs=[asn1_certificate(d) for d in self.other_certs],
            crls=list(self.crls),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )


@contextmanager
def _signer(
    signing_cert_der: bytes,
    chain_der: list[bytes],
    private_key_der: bytes,
    hsm_label: str,
) -> Iterator[signers.Signer]:
    """pyHanko's signer: on the PKCS#8 key, or on the HSM's key `hsm_label` (with a
    token session open while it is used)."""
    signing_cert = asn1_certificate(signing_cert_der)
    chain = [asn1_certificate(der) for der in chain_der]
    if hsm_label:
        with hsm.pdf_signer(hsm_label, signing_cert=signing_cert, chain=chain) as p11:
            yield p11
        return
    yield signers.SimpleSigner(
        signing_cert=signing_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(private_key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def sign_pdf(
    pdf: bytes,
    *,
    signing_cert_der: bytes,
    private_key_der: bytes = b"",
    hsm_label: str = "",
    chain_der: list[bytes],
    at: dt.datetime,
    reason: str = "",
    location: str = "",
    name: str = "",
    box: tuple[float, float, float, float] | None = None,
    page: int = 0,
    appearance: bytes | None = None,
    timestamper: timestamps.TimeStamper | None = None,
    long_term: LongTerm | None = None,
) -> SignedPdf:
    """Sign `pdf` (PAdES, SHA-256) and return the signed file. `at` is the signing time
    written into the signature; `box` (x1, y1, x2, y2 in points) makes it visible with
    `appearance` (a one-page PDF) as its picture. With a `timestamper` the signature
    is B-T; with `long_term` as well, B-LT or B-LTA (the module's docstring). The key
    is `private_key_der` (PKCS#8), or with `hsm_label` the HSM's (PKCS#11, hsm.py)."""
    long_term = long_term if timestamper is not None else None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        name=name or None,
        embed_validation_info=long_term is not None,
        use_pades_lta=long_term is not None and long_term.archive,
        validation_context=long_term.context(at) if long_term else None,
        timestamp_field_name=_archive_field_name(pdf) if long_term else None,
    )
    style = None
    spec = None
    if box is not None:
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=(x1, y1, x2, y2))
        if appearance is not None:
            style = StaticStampStyle(
                background=_PdfBytesPage(appearance),
                border_width=0,
                background_opacity=1.0,
                background_layout=layout.SimpleBoxLayoutRule(
                    x_align=layout.AxisAlignment.ALIGN_MID,
                    y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins.uniform(0),
                ),
            )
    with _signer(signing_cert_der, chain_der, private_key_der, hsm_label) as signer:
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=spec,
        )
        _quiet()
        slot = _reservation_slot(signing_cert_der, chain_der, timestamper)
        kept = _reserved(slot)
        try:
            data, reserved = _run(_sign(pdf_signer, pdf, at, kept))
        except SigningError:
            if kept is None:
                raise
            # The kept room was too small after all (a longer answer from an outside
            # TSA): measure again, as pyHanko would, and keep the new figure.
            data, reserved = _run(_sign(pdf_signer, pdf, at, None))
        _keep_reserved(slot, reserved)
    if long_term is not None:
        level = "B-LTA" if long_term.archive else "B-LT"
    else:
        level = "B-T" if timestamper else "B-B"
    return SignedPdf(data=data, signed_at=at, level=level)


def _archive_field_name(data: bytes) -> str:
    """A name for the next document-timestamp field, unused in the file."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    taken = {s.field_name for s in reader.embedded_signatures}
    n = 1
    while f"{FIELD_NAME}Archive{n}" in taken:
        n += 1
    return f"{FIELD_NAME}Archive{n}"


# The room a signature takes in the file, measured once per signer (issue 15): pyHanko
# measures it by making a whole trial signature, timestamp included, at every
# signature, yet it depends only on the certificates embedded and on the timestamp
# authority's answer, not on the document. Kept per timestamper object (they live as
# long as the process, tsa._kept and timestamper_for) and per signing chain.
_RESERVED: "weakref.WeakKeyDictionary[Any, dict[bytes, int]]" = (
    weakref.WeakKeyDictionary()
)
_RESERVED_UNSTAMPED: dict[bytes, int] = {}


def _reservation_slot(
    signing_cert_der: bytes, chain_der: list[bytes], stamper: Any
) -> tuple[Any, bytes]:
    digest = hashlib.sha256(signing_cert_der)
    for der in chain_der:
        digest.update(hashlib.sha256(der).digest())
    return stamper, digest.digest()


def _reserved(slot: tuple[Any, bytes]) -> int | None:
    stamper, chain = slot
    table = _RESERVED_UNSTAMPED if stamper is None else _RESERVED.get(stamper, {})
    return table.get(chain)


def _keep_reserved(slot: tuple[Any, bytes], reserved: int) -> None:
    stamper, chain = slot
    if stamper is None:
        table = _RESERVED_UNSTAMPED
    else:
        table = _RESERVED.setdefault(stamper, {})
    if len(table) >= 4096:
        table.clear()
    table[chain] = reserved


async def _sign(
    pdf_signer: signers.PdfSigner, pdf: bytes, at: dt.datetime, reserved: int | None
) -> tuple[bytes, int]:
    # pyHanko's interrupted-signing steps, as PdfSigner.async_sign_pdf runs them, with
    # the signing time set to ours rather than the machine's, and the room for the
    # signature measured only when none is kept.
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    session = pdf_signer.init_signing_session(writer)
    session.system_time = at
    validation_info = await session.perform_presign_validation(writer)
    if reserved is None:
        reserved = await session.estimate_signature_container_size(
            validation_info, tight=False
        )
    tbs = session.prepare_tbs_document(
        validation_info=validation_info, bytes_reserved=reserved
    )
    prepared, output = tbs.digest_tbs_document()
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=at,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        ),
    )
    await post.post_signature_processing(output)
    assert isinstance(output, io.BytesIO)  # digest_tbs_document writes to memory
    return output.getvalue(), reserved


# Archive timestamps ------------------------------------------------------------------


def last_timestamp_certificate(data: bytes) -> asn1_x509.Certificate | None:
    """The certificate of the TSA that made the file's last timestamp: its last
    document timestamp's, else the last signature's own timestamp's; None when the
    file holds no timestamp (B-B)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    stamps = reader.embedded_timestamp_signatures
    if stamps:
        return stamps[-1].signer_cert
    regular = reader.embedded_regular_signatures
    if not regular:
        return None
    tokens = list(extract_tst_data_iter(regular[-1].signer_info, signed=False))
    return _token_signer(tokens[-1]) if tokens else None


def _token_signer(signed_data) -> asn1_x509.Certificate | None:
    sid = signed_data["signer_infos"][0]["sid"]
    if sid.name != "issuer_and_serial_number":
        return None
    serial = sid.chosen["serial_number"].native
    for cert in signed_data["certificates"]:
        if cert.name == "certificate" and cert.chosen.serial_number == serial:
            return cert.chosen
    return None


def archive_timestamp(
    data: bytes,
    *,
    timestamper: timestamps.TimeStamper,
    long_term: LongTerm,
    at: dt.datetime | None = None,
) -> bytes:
    """The file with its validation data brought up to date and one more document
    timestamp (ETSI EN 319 142-1 §5.5: renewing B-LTA before the last timestamp's
    certificate expires). A file without a document timestamp yet (B-B, B-T) first
    gets the signature's chain and CRLs into its DSS. `at` is the moment at which the
    last timestamp and the chains are checked (now by default)."""
    _quiet()
    return _run(_archive(data, timestamper, long_term.context(at)))


async def _archive(
    data: bytes, timestamper: timestamps.TimeStamper, vc: ValidationContext
) -> bytes:
    reader = PdfFileReader(io.BytesIO(data))
    if not reader.embedded_timestamp_signatures:
        signature = reader.embedded_regular_signatures[-1]
        out = await async_add_validation_info(
            signature, vc, force_write=True, embed_roots=True
        )
        data = out.getvalue()
        reader = PdfFileReader(io.BytesIO(data))
    stamper = PdfTimeStamper(timestamper, field_name=_archive_field_name(data))
    out = await stamper.async_update_archival_timestamp_chain(
        reader, vc, in_place=False, embed_roots=True
    )
    return out.getvalue()


# Validation --------------------------------------------------------------------------


@dataclass
class PdfSignatureCheck:
    """pyHanko's view of the last signature in a PDF, in plain values."""

    present: bool = False
    error: str = ""
    intact: bool = False  # the signed bytes hash to what the signature covers
    valid: bool = False  # the signature over that hash verifies
    trusted: bool = False  # the signer's chain reaches a configured root
    revoked: bool = False  # revoked at the validation moment (pyHanko's view)
    # Nothing was appended after the signature but validation data and document
    # timestamps (PAdES B-LT/B-LTA), which pyHanko's difference analysis vouches for.
    whole_file: bool = False
    summary: str = ""
    signer_der: bytes = b""
    claimed_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    timestamp_trusted: bool = False
    signed_revision_ends: list[int] = field(default_factory=list)
    # Where the signature's own revision ends: the file up to here is what the
    # signer signed plus the signature (later revisions are LTA updates only).
    signed_end: int = 0

    @property
    def cryptographically_ok(self) -> bool:
        return self.intact and self.valid


def _quiet():
    # pyHanko logs every failed path as a warning with a traceback; the verdict and
    # its reasons say what is wrong, so keep the console for them.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)


def last_signature(data: bytes):
    """The reader and the file's last signature that is not a document timestamp."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_regular_signatures
    return reader, (signatures[-1] if signatures else None)


def signature_end(sig) -> int:
    """The end of the revision a signature covers, with the signature itself: the
    end of its byte range (its %%EOF marker and end of line)."""
    start, length = sig.byte_range[-2], sig.byte_range[-1]
    return int(start) + int(length)


def _covers_all_but_lta_updates(status) -> bool:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    )


def revision_ends(data: bytes) -> list[int]:
    """Offsets just after each %%EOF marker (and its end of line): where each revision
    of the file ends. An incremental update leaves the earlier revisions as prefixes."""
    ends: list[int] = []
    start = 0
    while True:
        i = data.find(b"%%EOF", start)
        if i < 0:
            return ends
        end = i + 5
        while end < len(data) and data[end : end + 1] in (b"\r", b"\n"):
            end += 1
        ends.append(end)
        start = i + 5


def validate(
    data: bytes,
    *,
    trust_roots: list[bytes],
    other_certs: list[bytes],
    crls: list[bytes],
    moment: dt.datetime | None,
    ts_roots: list[bytes] | None = None,
) -> PdfSignatureCheck:
    _quiet()
    check = PdfSignatureCheck()
    try:
        _reader, sig = last_signature(data)
    except Exception as exc:  # a file pyHanko cannot read at all
        check.error = f"unreadable: {exc}"
        return check
    if sig is None:
        check.error = "no signature"
        return check
    check.present = True
    check.signed_end = signature_end(sig)
    check.signed_revision_ends = [
        e for e in revision_ends(data) if e <= check.signed_end
    ]
    check.signer_der = sig.signer_cert.dump()
    check.claimed_time = sig.self_reported_timestamp
    vc = ValidationContext(
        trust_roots=[asn1_certificate(d) for d in trust_roots],
        other_certs=[asn1_certificate(d) for d in other_certs],
        crls=crls,
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
        retroactive_revinfo=True,
    )
    # The county's timestamp authority is certified by the county root (tsa.py).
    ts_vc = ValidationContext(
        trust_roots=[asn1_certificate(d) for d in [*(ts_roots or []), *trust_roots]],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(
            sig, signer_validation_context=vc, ts_validation_context=ts_vc
        )
    except Exception as exc:  # a malformed signature dictionary or CMS
        check.error = f"{type(exc).__name__}: {exc}"
        return check
    check.intact, check.valid = status.intact, status.valid
    check.trusted = status.trusted
    check.revoked = bool(getattr(status, "revoked", False))
    check.whole_file = _covers_all_but_lta_updates(status)
    check.summary = status.summary()
    ts = status.timestamp_validity
    if ts is not None:
        check.timestamp_time = ts.timestamp
        check.timestamp_trusted = bool(ts.intact and ts.valid and ts.trusted)
    return check
