"""The county's timestamp authority (时间戳服务): RFC 3161 timestamps signed by a key the
county root certifies for time-stamping (pki.timestamp_authority).

A timestamp token says "this digest existed at this time", signed by the authority. The
PAdES signatures use it twice (pades.py): a signature timestamp over the seal's
signature value, and document timestamps over the whole file with its validation data
(B-LTA). Because the token is signed by a key under the county root, a validator that
trusts only that root can place the seal's signature before a later revocation.

Tokens are made in process: `CountyTimeStamper` is a pyHanko TimeStamper holding the
certificate and the decrypted key, so pyHanko's signing loop never touches the database;
`respond` answers the same requests over HTTP (views_pki.timestamp) for outside
clients. Time is core.clock's, cut to whole seconds, with an accuracy of one second;
serial numbers are random 127-bit integers (unique with overwhelming probability, no
counter to lock). Requests for an unknown digest algorithm
or a digest of the wrong length are refused with the RFC's failure codes.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps import TimeStamper

from yinzheng.core import clock

from . import keys, pades, pki
from .choices import KeyPurpose
from .models import KeyPair

# The policy under which the county authorities stamp: an OID in the 2.25 arc
# (ITU-T X.667, a UUID as an integer), so it needs no registration.
POLICY = "2.25.183640391920593219402153618204581532915"
DIGESTS = {
    "sha256": (hashes.SHA256, 32),
    "sha384": (hashes.SHA384, 48),
    "sha512": (hashes.SHA512, 64),
}


@dataclass(frozen=True)
class Authority:
    """What signing a token needs, loaded from the database beforehand."""

    county: str
    certificate: asn1_x509.Certificate
    private_key: ec.EllipticCurvePrivateKey


def authority(county_code: str) -> Authority:
    """The county's timestamp authority, its key decrypted (made on first use)."""
    return _kept(county_code).tsa


def _kept(county_code: str) -> "CountyTimeStamper":
    """The authority's TimeStamper, kept for the life of the process per key and
    certificate (issue 15): its key is decrypted once, and pyHanko measures the size
    of its tokens once (the dummy answer it keeps on the stamper), not at every
    signature. The row is read each time, so a new or renewed authority, or a
    destroyed key, is seen at once."""
    row = pki.timestamp_authority(county_code)
    der = keys.private_key_der(row)  # refuses a destroyed key
    slot = (
        county_code,
        row.key_id,
        hashlib.sha256(row.certificate_pem.encode()).digest(),
    )
    kept = _STAMPERS.get(slot)
    if kept is not None:
        return kept
    private = serialization.load_der_private_key(der, password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):  # keys.generate: P-256
        raise TypeError(f"key {row.key_id} is not an EC key")
    kept = CountyTimeStamper(
        Authority(
            county=county_code,
            certificate=asn1_x509.Certificate.load(pki.certificate_der(row)),
            private_key=private,
        )
    )
    if len(_STAMPERS) >= 256:  # a county's authorities over the years, a few
        _STAMPERS.clear()
    _STAMPERS[slot] = kept
    return kept


def _refused(failure: str, text: str) -> tsp.TimeStampResp:
    return tsp.TimeStampResp(
        {
            "status": tsp.PKIStatusInfo(
                {
                    "status": "rejection",
                    "status_string": [text],
                    "fail_info": tsp.PKIFailureInfo({failure}),
                }
            )
        }
    )


def _signed_attributes(
    tst_info: bytes, cert: asn1_x509.Certificate, at: dt.datetime
) -> cms.CMSAttributes:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(tst_info)
    return cms.CMSAttributes(
        [
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": at})),
            simple_cms_attribute("message_digest", digest.finalize()),
            # RFC 5816: the token names its signer's certificate by SHA-256.
            simple_cms_attribute(
                "signing_certificate_v2", as_signing_certificate_v2(cert)
            ),
        ]
    )


def stamp(
    request: tsp.TimeStampReq, tsa: Authority, *, at: dt.datetime | None = None
) -> tsp.TimeStampResp:
    """The answer to one RFC 3161 request: a granted token, or a refusal."""
    imprint = request["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in DIGESTS:
        return _refused("bad_alg", f"unsupported digest algorithm {algorithm}")
    if len(imprint["hashed_message"].native) != DIGESTS[algorithm][1]:
        return _refused("bad_data_format", "digest length does not match")
    if request["version"].native != "v1":
        return _refused("bad_request", "unsupported request version")
    if request["req_policy"].native not in (None, POLICY):
        return _refused("unaccepted_policy", "unsupported policy")
    moment = (at or clock.now()).astimezone(dt.UTC)
    moment = moment.replace(microsecond=0)
    info: dict = {
        "version": "v1",
        "policy": POLICY,
        "message_imprint": imprint,
        "serial_number": secrets.randbits(127) | 1,
        "gen_time": moment,
        "accuracy": {"seconds": 1},
        "tsa": asn1_x509.GeneralName(
            name="directory_name", value=tsa.certificate.subject
        ),
    }
    if request["nonce"].native is not None:
        info["nonce"] = request["nonce"]
    tst_info = tsp.TSTInfo(info).dump()
    attributes = _signed_attributes(tst_info, tsa.certificate, moment)
    signature = tsa.private_key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
    sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {
                            "issuer": tsa.certificate.issuer,
                            "serial_number": tsa.certificate.serial_number,
                        }
                    )
                }
            ),
            "digest_algorithm": sha256,
            "signature_algorithm": algos.SignedDigestAlgorithm(
                {"algorithm": "sha256_ecdsa"}
            ),
            "signed_attrs": attributes,
            "signature": signature,
        }
    )
    signed_data: dict = {
        "version": "v3",
        "digest_algorithms": [sha256],
        "encap_content_info": {
            "content_type": "tst_info",
            "content": core.ParsableOctetString(tst_info),
        },
        "signer_infos": [signer_info],
    }
    if request["cert_req"].native:  # RFC 3161 §2.4.1: only when asked
        signed_data["certificates"] = [tsa.certificate]
    token = cms.ContentInfo(
        {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
    )
    return tsp.TimeStampResp(
        {
            "status": tsp.PKIStatusInfo({"status": "granted"}),
            "time_stamp_token": token,
        }
    )


def respond(request_der: bytes, tsa: Authority) -> bytes:
    """The DER answer to a DER request (views.tsa); a request that does not parse
    gets a refusal, not an error."""
    try:
        request = tsp.TimeStampReq.load(request_der)
        request.native  # noqa: B018 (parses the whole structure now)
    except (ValueError, TypeError, OverflowError):
        return _refused("bad_data_format", "malformed request").dump()
    return stamp(request, tsa).dump()


class CountyTimeStamper(TimeStamper):
    """pyHanko's TimeStamper answered by the county authority in process."""

    def __init__(self, tsa: Authority) -> None:
        super().__init__(include_nonce=True)
        self.tsa = tsa

    async def async_request_tsa_response(
        self, req: tsp.TimeStampReq
    ) -> tsp.TimeStampResp:
        return stamp(req, self.tsa)


_STAMPERS: dict[tuple[str, str, bytes], CountyTimeStamper] = {}


def timestamper(county_code: str) -> CountyTimeStamper:
    return _kept(county_code)


def long_term_material(key: KeyPair, *, archive: bool = True) -> pades.LongTerm:
    """What goes into a file's DSS for a signature by `key`: its county root, every
    certificate of its chain and of the county's timestamp authorities (current and
    retired, for the tokens already in files), the CRLs of the root and of the
    issuing authority; plus the roots of an outside TSA when one is configured."""
    links = pki.chain(key)
    root = links[-1]
    stamps = KeyPair.objects.filter(
        division_id=root.division_id, purpose=KeyPurpose.TSA
    ).exclude(certificate_pem="")
    return pades.LongTerm(
        trust_roots=[pki.certificate_der(root), *outside_roots()],
        other_certs=[pki.certificate_der(link) for link in links[:-1]]
        + [pki.certificate_der(row) for row in stamps],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        archive=archive,
    )


def outside_roots() -> list[bytes]:
    """The roots of the outside TSA (settings.TSA_ROOTS, PEM), DER."""
    if not settings.TSA_ROOTS:
        return []
    from cryptography import x509

    with open(settings.TSA_ROOTS, "rb") as fh:
        certs = x509.load_pem_x509_certificates(fh.read())
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]


def for_signing(
    key: KeyPair, *, timestamp_url: str | None
) -> tuple[TimeStamper | None, pades.LongTerm | None]:
    """The timestamper and long-term material of a signature by `key`.

    None (the default): B-LTA, timestamps from settings.TSA_URL when it is set and
    its roots are given (settings.TSA_ROOTS), B-T from it without them (its
    certificate cannot be validated here), else from the county's own authority.
    "": B-B, no timestamp (tests and benchmarks' floor). A URL: that TSA, as above.
    """
    if timestamp_url == "":
        return None, None
    url = settings.TSA_URL if timestamp_url is None else timestamp_url
    if url:
        stamper = pades.timestamper_for(url)
        if not settings.TSA_ROOTS:
            return stamper, None
        return stamper, long_term_material(key)
    county = pki.chain(key)[-1].division_id
    return timestamper(county), long_term_material(key)
