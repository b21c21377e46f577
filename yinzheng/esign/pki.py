"""The electronic-seal PKI: county root → township issuing authority → seal (design §4).

Every county has one root (self-signed, a CA for one level below it). Each township's
issuing-authority key — the one that already signs its committees' register checkpoints —
gets a CA certificate from its county's root, on first use. Each electronic seal gets its
own key and an end-entity certificate from its township when the township issues the seal
(REQ-060, REQ-115): digital signature and non-repudiation, the committee in the subject,
the township's CRL as distribution point.

Revocation keeps the time it happened (the time the seal became unusable) and a reason
from the seal's fate; the issuer's CRL is re-signed in the same transaction, and again
whenever it is fetched within a day of its next update. Signatures made before the
revocation time stay valid (verification.py compares the two times).

All keys are ECDSA P-256, certificates SHA-256. Times come from core.clock, so a test can
pin them; a certificate starts a minute before it is made, to absorb clock skew between
the machines that sign and verify.
"""

import datetime as dt
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
)
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yinzheng.core import clock
from yinzheng.core.errors import Conflict, CoreCode, NotFound
from yinzheng.divisions.models import Division

from . import keys, verdicts
from .choices import KeyPurpose, RevocationReason
from .errors import EsignCode
from .models import KeyPair, RevocationList

ROOT_YEARS = 20
AUTHORITY_YEARS = 10
SEAL_YEARS = 5
TSA_YEARS = 6
# A timestamp key stops stamping (a new one is certified) when its certificate has
# less than this left, so a fresh archive timestamp always outlives the renewal
# horizon of `yinzheng esign timestamp-renew` (365 days by default).
TSA_RETIRE_LEFT = dt.timedelta(days=2 * 365)
CRL_DAYS = 7
CRL_REFRESH = dt.timedelta(days=1)  # re-sign when less than this is left
SKEW = dt.timedelta(minutes=1)


def _ec_public(cert: x509.Certificate) -> ec.EllipticCurvePublicKey:
    """The certificate's key: every key of this PKI is ECDSA P-256 (keys.generate)."""
    public = cert.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise TypeError("not an EC certificate")
    return public


REASON_FLAGS = {
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.PRIVILEGE_WITHDRAWN: x509.ReasonFlags.privilege_withdrawn,
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
}


# Extended key usages. Seals: id-kp-documentSigning (RFC 9336), and emailProtection
# beside it because NSS — poppler's pdfsig, Firefox's PDF viewer — checks a document
# signer's certificate for that one when the extension is present and otherwise
# refuses the chain. The timestamp authority: id-kp-timeStamping alone, critical
# (RFC 3161 §2.3).
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")
SEAL_USAGES = [DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]
TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING


class CertificateRevoked(Conflict):
    code = EsignCode.SEAL_CERTIFICATE_REVOKED


def crl_url(division_code: str) -> str:
    """The stable address of the CRL of the key that issues for this division."""
    return f"{settings.PUBLIC_URL}/esign/crl/{division_code}.crl"


def ca_issuers_url(issuer: KeyPair) -> str:
    """Where the certificate of an issuing key is served (Authority Information
    Access, caIssuers): by its kid, so the address names that one certificate for
    good, also after the division's key is rotated."""
    return f"{settings.PUBLIC_URL}/esign/ca/{issuer.kid}.cer"


def _years(at: dt.datetime, years: int) -> dt.datetime:
    return at + dt.timedelta(days=365 * years + years // 4)


def _name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
        + [x509.NameAttribute(oid, value) for oid, value in parts if value]
    )


@lru_cache(maxsize=4096)
def _parse(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def certificate(row: KeyPair) -> x509.Certificate:
    if not row.certificate_pem:
        raise NotFound(_("该密钥尚无证书"), code=EsignCode.CERTIFICATE_MISSING)
    return _parse(row.certificate_pem)


def certificate_der(row: KeyPair) -> bytes:
    return certificate(row).public_bytes(serialization.Encoding.DER)


def _issue(
    row: KeyPair,
    *,
    issuer: KeyPair | None,
    subject: x509.Name,
    ca: bool,
    path_length: int | None,
    years: int,
    crl_division: str | None,
    extended_usage: list[x509.ObjectIdentifier] | None = None,
    extended_usage_critical: bool = False,
) -> KeyPair:
    """Write the certificate of `row`, signed by `issuer` (itself when None)."""
    public = serialization.load_pem_public_key(row.public_key_pem.encode())
    if not isinstance(public, ec.EllipticCurvePublicKey):  # keys.generate makes P-256
        raise TypeError(f"key {row.key_id} is not an EC key")
    signer = issuer or row
    issuer_cert = certificate(issuer) if issuer is not None else None
    now = clock.now()
    not_before = now - SKEW
    not_after = _years(now, years)
    if issuer_cert is not None:
        # A certificate never outlives the one that issued it.
        not_after = min(not_after, issuer_cert.not_valid_after_utc)
    serial = x509.random_serial_number()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length), critical=True
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public), critical=False
        )
    )
    if issuer is not None and issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(_ec_public(issuer_cert)),
            critical=False,
        ).add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(ca_issuers_url(issuer)),
                    )
                ]
            ),
            critical=False,
        )
    if extended_usage:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(extended_usage), critical=extended_usage_critical
        )
    if crl_division:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[
                            x509.UniformResourceIdentifier(crl_url(crl_division))
                        ],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    cert = builder.sign(keys.private_key(signer), hashes.SHA256())
    row.certificate_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    row.serial_number = format(serial, "x")
    row.not_before, row.not_after = not_before, not_after
    row.issuer = issuer
    row.save(
        update_fields=[
            "certificate_pem",
            "serial_number",
            "not_before",
            "not_after",
            "issuer",
        ]
    )
    return row


def _division(code: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound(_("区划 %s 不存在") % code, code=CoreCode.DIVISION_NOT_FOUND)
    return division


def county_root(county_code: str) -> KeyPair:
    """The county's active root key with its self-signed certificate (made on first
    use; two first uses at once leave one, the database's unique constraint decides)."""
    row = KeyPair.objects.filter(
        division_id=county_code, purpose=KeyPurpose.ROOT, retired_at__isnull=True
    ).first()
    if row is not None and row.certificate_pem:
        return row
    county = _division(county_code)
    try:
        with transaction.atomic():
            if row is None:
                row = keys.generate(division_code=county_code, purpose=KeyPurpose.ROOT)
            row = KeyPair.objects.select_for_update().get(pk=row.pk)
            if not row.certificate_pem:
                _issue(
                    row,
                    issuer=None,
                    subject=_name(
                        (NameOID.ORGANIZATION_NAME, county.name),
                        (NameOID.COMMON_NAME, f"{county.name}电子印章根证书"),
                        (NameOID.SERIAL_NUMBER, county.code),
                    ),
                    ca=True,
                    path_length=1,
                    years=ROOT_YEARS,
                    crl_division=None,
                )
            return row
    except IntegrityError:
        return county_root(county_code)


def authority(township_code: str) -> KeyPair:
    """The township's active issuing-authority key (keys.authority_key), certified by
    its county's root the first time it issues a seal."""
    row = keys.authority_key(township_code)
    if row.certificate_pem:
        return row
    township = _division(township_code)
    root = county_root(township_code[:6])
    with transaction.atomic():
        row = KeyPair.objects.select_for_update().get(pk=row.pk)
        if not row.certificate_pem:
            _issue(
                row,
                issuer=root,
                subject=_name(
                    (NameOID.ORGANIZATION_NAME, township.name),
                    (NameOID.COMMON_NAME, f"{township.name}电子印章制发机关"),
                    (NameOID.SERIAL_NUMBER, township.code),
                ),
                ca=True,
                path_length=0,
                years=AUTHORITY_YEARS,
                crl_division=root.division_id,
            )
    return row


def seal_key_issue(seal) -> KeyPair:
    """A new key and certificate for an electronic seal, issued by the seal's issuing
    authority (its township, REQ-060). Called inside the seal-issuing transaction."""
    existing = KeyPair.objects.filter(seal=seal).first()
    if existing is not None:
        return existing
    issuer = authority(seal.issuer_id)
    row = keys.generate(division_code=seal.committee_id, purpose=KeyPurpose.SEAL)
    row.seal = seal
    row.save(update_fields=["seal"])
    committee = seal.committee
    return _issue(
        row,
        issuer=issuer,
        subject=_name(
            (NameOID.ORGANIZATION_NAME, committee.name),
            (NameOID.ORGANIZATIONAL_UNIT_NAME, f"印章编号 {seal.serial}"),
            (NameOID.COMMON_NAME, seal.imprint),
            (NameOID.SERIAL_NUMBER, f"{committee.code}-{seal.pk}"),
        ),
        ca=False,
        path_length=None,
        years=SEAL_YEARS,
        crl_division=seal.issuer_id,
        extended_usage=SEAL_USAGES,
    )


def has_timestamp_authority(county_code: str) -> bool:
    """Whether the county's timestamp authority exists already (certified, active)."""
    return (
        KeyPair.objects.filter(
            division_id=county_code,
            purpose=KeyPurpose.TSA,
            retired_at__isnull=True,
        )
        .exclude(certificate_pem="")
        .exists()
    )


def timestamp_authority(county_code: str) -> KeyPair:
    """The county's timestamp authority (时间戳服务, RFC 3161): its active key with a
    certificate from the county root, digital signature and non-repudiation, the
    critical time-stamping usage and the root's CRL; made on first use. A key whose
    certificate has less than TSA_RETIRE_LEFT to run is retired and a new one made,
    so archive timestamps keep outliving the renewal horizon."""
    row = keys.timestamp_key(county_code)
    now = clock.now()
    if (
        row.certificate_pem
        and row.not_after is not None
        and row.not_after - now >= TSA_RETIRE_LEFT
    ):
        return row
    county = _division(county_code)
    root = county_root(county_code)
    with transaction.atomic():
        row = KeyPair.objects.select_for_update().get(pk=row.pk)
        if row.certificate_pem and row.not_after is not None:
            if row.not_after - now >= TSA_RETIRE_LEFT:
                return row
            if row.retired_at is None:
                row.retired_at = now
                row.save(update_fields=["retired_at"])
            row = keys.timestamp_key(county_code)
            row = KeyPair.objects.select_for_update().get(pk=row.pk)
        if not row.certificate_pem:
            _issue(
                row,
                issuer=root,
                subject=_name(
                    (NameOID.ORGANIZATION_NAME, county.name),
                    (NameOID.COMMON_NAME, f"{county.name}时间戳服务"),
                    (NameOID.SERIAL_NUMBER, f"{county.code}-TSA"),
                ),
                ca=False,
                path_length=None,
                years=TSA_YEARS,
                crl_division=root.division_id,
                extended_usage=[TIME_STAMPING],
                extended_usage_critical=True,
            )
    return row


def chain(row: KeyPair) -> list[KeyPair]:
    """The key and its issuers up to the root."""
    out = [row]
    while (issuer := out[-1].issuer) is not None and len(out) < 4:
        out.append(issuer)  # select_related("issuer__issuer") saves the queries
    return out


def revoke(row: KeyPair, *, at: dt.datetime, reason: str) -> bool:
    """Revoke the certificate from `at` and re-sign its issuer's CRL; False when it was
    revoked already (the first time and reason stand)."""
    row = KeyPair.objects.select_for_update().get(pk=row.pk)
    if row.revoked_at is not None:
        return False
    row.revoked_at, row.revocation_reason = at, reason
    row.save(update_fields=["revoked_at", "revocation_reason"])
    verdicts.forget_all()  # what this key and those under it signed
    if row.issuer_id is not None:
        publish_crl(KeyPair.objects.get(pk=row.issuer_id))
    return True


def publish_crl(issuer: KeyPair) -> RevocationList:
    """Sign a new CRL for `issuer` with everything it has revoked; the number grows."""
    current = RevocationList.objects.select_for_update().filter(issuer=issuer).first()
    now = clock.now()
    number = (current.number if current else 0) + 1
    issuer_cert = certificate(issuer)
    revoked = list(
        KeyPair.objects.filter(issuer=issuer, revoked_at__isnull=False).order_by(
            "revoked_at", "pk"
        )
    )
    # Backdated by SKEW for machines whose clocks run slow, but never before a
    # revocation it lists: a CRL dated earlier than a revocation it reports says
    # the certificate was revoked before it was (validators date the revocation
    # information by thisUpdate). Whole seconds, as the CRL encodes them.
    this_update = max(
        [now - SKEW] + [row.revoked_at for row in revoked if row.revoked_at is not None]
    )
    if this_update.microsecond:
        this_update = this_update.replace(microsecond=0) + dt.timedelta(seconds=1)
    next_update = max(now, this_update) + dt.timedelta(days=CRL_DAYS)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(_ec_public(issuer_cert)),
            critical=False,
        )
    )
    for row in revoked:
        assert row.revoked_at is not None  # the filter above
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(row.serial_number, 16))
            .revocation_date(row.revoked_at)
            .add_extension(
                x509.CRLReason(
                    REASON_FLAGS.get(
                        RevocationReason(row.revocation_reason or "unspecified"),
                        x509.ReasonFlags.unspecified,
                    )
                ),
                critical=False,
            )
            .build()
        )
    der = builder.sign(keys.private_key(issuer), hashes.SHA256()).public_bytes(
        serialization.Encoding.DER
    )
    if current is None:
        current = RevocationList(issuer=issuer)
    current.number = number
    current.this_update = this_update
    current.next_update = next_update
    current.der = der
    current.save()
    return current


def current_crl(issuer: KeyPair) -> RevocationList:
    """The issuer's CRL, re-signed first when it is missing or about to go stale."""
    crl = RevocationList.objects.filter(issuer=issuer).first()
    if crl is not None and crl.next_update - clock.now() > CRL_REFRESH:
        return crl
    with transaction.atomic():
        crl = RevocationList.objects.select_for_update().filter(issuer=issuer).first()
        if crl is not None and crl.next_update - clock.now() > CRL_REFRESH:
            return crl
        return publish_crl(KeyPair.objects.select_for_update().get(pk=issuer.pk))


def crl_url_of(row: KeyPair) -> str:
    """Where the CRL of this issuing key is served: the division's stable address while
    the key is active, its own (by kid) once it is retired."""
    if row.retired_at is None:
        return crl_url(row.division_id)
    return f"{settings.PUBLIC_URL}/esign/crl/{row.kid}.crl"


def issuer_for_division(code: str) -> KeyPair | None:
    """The key whose CRL /esign/crl/<code>.crl serves: the county's root (6 digits),
    the township's issuing authority (9 digits), any issuing key by its kid (16 hex
    digits, for the keys retired since); only keys with a certificate."""
    if len(code) == 16:
        return (
            KeyPair.objects.filter(
                kid=code, purpose__in=[KeyPurpose.ROOT, KeyPurpose.AUTHORITY]
            )
            .exclude(certificate_pem="")
            .first()
        )
    purpose = {6: KeyPurpose.ROOT, 9: KeyPurpose.AUTHORITY}.get(len(code))
    if purpose is None:
        return None
    return (
        KeyPair.objects.filter(
            division_id=code,
            purpose=purpose,
            retired_at__isnull=True,
        )
        .exclude(certificate_pem="")
        .first()
    )


def require_valid_for_signing(row: KeyPair, at: dt.datetime) -> None:
    """Refuse to sign with a revoked, expired or not yet valid certificate, or one whose
    issuer was revoked (the seal's own usability is the seal service's check)."""
    for link in chain(row):
        if link.revoked_at is not None and link.revoked_at <= at:
            raise CertificateRevoked(
                _("电子印章证书已于 %s 吊销，不能再签章")
                % link.revoked_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                detail={"key": link.key_id, "revoked_at": link.revoked_at.isoformat()},
            )
        if (
            link.not_before is None
            or link.not_after is None
            or not (link.not_before <= at <= link.not_after)
        ):
            raise CertificateRevoked(
                _("电子印章证书不在有效期内，不能签章"),
                code=EsignCode.SEAL_CERTIFICATE_EXPIRED,
                detail={"key": link.key_id},
            )
