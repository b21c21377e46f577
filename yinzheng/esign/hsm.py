"""Signing keys held in a hardware security module, through PKCS#11 (issue 14).

When settings.PKCS11_MODULE names a PKCS#11 library, the county roots, the township
issuing authorities and the electronic seals get their keys inside the token
settings.PKCS11_TOKEN names (keys.generate): ECDSA P-256, private, sensitive, never
extractable, labelled with the KeyPair's key_id (its CKA_ID is the same 32 bytes). The
database keeps the public key, the certificate and that label; the private half never
leaves the token. Timestamp-authority keys stay in the database (tsa.py signs with
a key it loads itself).

Three ways of signing go through the token: PAdES signatures (pyHanko's PKCS11Signer,
`pdf_signer`), and everything signed with a cryptography private key — certificates,
CRLs, QR tokens, register checkpoints, the trust list — through `HsmPrivateKey`, a
cryptography key object whose `sign` asks the token. Both hash here and have the token
sign the digest (CKM_ECDSA), the one ECDSA mechanism every token offers.

The process logs in once (the first use, not at start-up, so forked workers each log
in their own) and keeps that session open: its login covers the short sessions each
operation then opens and closes, so threads never share one. `destroy` removes a key's
objects from the token for good (a destroyed seal's key, services.seal_key_destroy).
"""

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.utils import Buffer
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.core.errors import DomainError

from .errors import EsignCode

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pkcs11 import Session
    from pyhanko.sign.pkcs11 import PKCS11Signer

_lock = threading.Lock()
_login: dict[tuple[str, str], "Session"] = {}


class HsmUnavailable(DomainError):
    code = EsignCode.HSM_UNAVAILABLE
    message = gettext_lazy("硬件安全模块（HSM）不可用，暂时不能签名")
    status = 503


def configured() -> bool:
    """Whether new keys are made in an HSM (settings.PKCS11_MODULE is set)."""
    return bool(settings.PKCS11_MODULE)


def available() -> bool:
    """Whether python-pkcs11 is installed (pip install python-pkcs11)."""
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        return False
    return True


def _unavailable(exc: Exception) -> HsmUnavailable:
    return HsmUnavailable(detail={"error": f"{type(exc).__name__}: {exc}"})


def _open_login() -> "Session":
    import pkcs11

    if not settings.PKCS11_TOKEN:
        raise HsmUnavailable(
            _("未设置 YINZHENG_PKCS11_TOKEN（HSM 令牌标签）"),
            detail={"setting": "YINZHENG_PKCS11_TOKEN"},
        )
    lib = pkcs11.lib(settings.PKCS11_MODULE)
    token = lib.get_token(token_label=settings.PKCS11_TOKEN)
    try:
        return token.open(rw=True, user_pin=settings.PKCS11_SECRET_PIN or None)
    except pkcs11.exceptions.UserAlreadyLoggedIn:
        # The login is the process's, not the session's: one still open covers it.
        return token.open(rw=True)


@contextmanager
def session() -> Iterator["Session"]:
    """A read-write session of the configured token, for one operation; the
    process's login session is opened first when there is none (or it broke)."""
    if not configured():
        raise HsmUnavailable(
            _("私钥保存在 HSM 中，但未设置 YINZHENG_PKCS11_MODULE"),
            detail={"setting": "YINZHENG_PKCS11_MODULE"},
        )
    try:
        import pkcs11
    except ImportError as exc:
        raise _unavailable(exc) from exc
    where = (settings.PKCS11_MODULE, settings.PKCS11_TOKEN)
    try:
        with _lock:
            if where not in _login:
                _login[where] = _open_login()
            token = _login[where].token
        try:
            opened = token.open(rw=True)
        except pkcs11.PKCS11Error:
            # The token went away and came back (an HSM restart): log in again.
            with _lock:
                _login.pop(where, None)
                _login[where] = _open_login()
                token = _login[where].token
            opened = token.open(rw=True)
    except pkcs11.PKCS11Error as exc:
        raise _unavailable(exc) from exc
    try:
        yield opened
    except pkcs11.PKCS11Error as exc:
        raise _unavailable(exc) from exc
    finally:
        try:
            opened.close()
        except pkcs11.PKCS11Error:
            pass


def reset() -> None:
    """Close the login sessions (logging out), e.g. after the settings changed."""
    if not available():
        return
    import pkcs11

    with _lock:
        for opened in _login.values():
            try:
                opened.close()
            except pkcs11.PKCS11Error:
                pass
        _login.clear()


def generate(key_id_of: Callable[[str], str]) -> tuple[str, str]:
    """A new P-256 key pair in the token: the private half sensitive and never
    extractable, labelled (and CKA_ID'd) with the key id `key_id_of` derives from the
    public key's PEM. Returns the PEM and that key id. Only the private half is kept
    in the token (the public half is on the KeyPair row)."""
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    pending = f"yinzheng-pending-{uuid.uuid4().hex}"
    with session() as s:
        params = s.create_domain_parameters(
            KeyType.EC,
            {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True,
        )
        public, private = params.generate_keypair(
            label=pending,
            store=True,
            public_template={Attribute.TOKEN: False},
            private_template={
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.DECRYPT: False,
                Attribute.UNWRAP: False,
                Attribute.DERIVE: False,
            },
        )
        public_pem = (
            serialization.load_der_public_key(encode_ec_public_key(public))
            .public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
            .decode()
        )
        key_id = key_id_of(public_pem)
        private[Attribute.LABEL] = key_id
        private[Attribute.ID] = bytes.fromhex(key_id)
    return public_pem, key_id


def _private_handle(s: "Session", label: str) -> Any:
    from pkcs11 import Attribute, ObjectClass

    found = list(
        s.get_objects(
            {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: label}
        )
    )
    if len(found) != 1:
        raise HsmUnavailable(
            _("HSM 中没有找到密钥 %s") % label[:16],
            detail={"label": label, "found": len(found)},
        )
    return found[0]


def sign_digest(label: str, digest: bytes) -> bytes:
    """The token's ECDSA signature over a digest, DER-encoded (as cryptography's)."""
    from pkcs11 import Mechanism

    with session() as s:
        raw = _private_handle(s, label).sign(digest, mechanism=Mechanism.ECDSA)
    half = len(raw) // 2
    return utils.encode_dss_signature(
        int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
    )


def exists(label: str) -> bool:
    from pkcs11 import Attribute

    with session() as s:
        return any(True for _o in s.get_objects({Attribute.LABEL: label}))


def attributes(label: str) -> dict[str, bool]:
    """The protection flags of the private key (for checks and the tests)."""
    from pkcs11 import Attribute

    with session() as s:
        key = _private_handle(s, label)
        return {
            "sensitive": bool(key[Attribute.SENSITIVE]),
            "extractable": bool(key[Attribute.EXTRACTABLE]),
            "always_sensitive": bool(key[Attribute.ALWAYS_SENSITIVE]),
            "never_extractable": bool(key[Attribute.NEVER_EXTRACTABLE]),
        }


def destroy(label: str) -> int:
    """Destroy every object of the token with this label; how many there were."""
    from pkcs11 import Attribute

    with session() as s:
        found = list(s.get_objects({Attribute.LABEL: label}))
        for obj in found:
            obj.destroy()
    return len(found)


class HsmPrivateKey(ec.EllipticCurvePrivateKey):
    """A P-256 key in the token, as cryptography sees a private key: `sign` hashes
    here and has the token sign the digest, so certificate and CRL builders, COSE and
    the register's checkpoints use it like a key of their own. Nothing exports it."""

    def __init__(self, label: str, public_key_pem: str) -> None:
        public = serialization.load_pem_public_key(public_key_pem.encode())
        if not isinstance(public, ec.EllipticCurvePublicKey):
            raise TypeError(f"HSM key {label} is not an EC key")
        self.label = label
        self._public = public

    @property
    def curve(self) -> ec.EllipticCurve:
        return self._public.curve

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._public

    def sign(
        self,
        data: Buffer,
        signature_algorithm: ec.EllipticCurveSignatureAlgorithm,
    ) -> bytes:
        if not isinstance(signature_algorithm, ec.ECDSA):
            raise TypeError("only ECDSA signatures")
        algorithm = signature_algorithm.algorithm
        if isinstance(algorithm, utils.Prehashed):
            digest = bytes(data)
        elif isinstance(algorithm, hashes.SHA256):
            digest = hashlib.sha256(bytes(data)).digest()
        else:
            h = hashes.Hash(algorithm)
            h.update(bytes(data))
            digest = h.finalize()
        return sign_digest(self.label, digest)

    def exchange(
        self, algorithm: ec.ECDH, peer_public_key: ec.EllipticCurvePublicKey
    ) -> bytes:
        raise TypeError("HSM signing keys do not derive secrets")

    def private_numbers(self) -> ec.EllipticCurvePrivateNumbers:
        raise TypeError("the private key stays in the HSM")

    def private_bytes(
        self,
        encoding: serialization.Encoding,
        format: serialization.PrivateFormat,
        encryption_algorithm: serialization.KeySerializationEncryption,
    ) -> bytes:
        raise TypeError("the private key stays in the HSM")

    def __copy__(self) -> "HsmPrivateKey":
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> "HsmPrivateKey":
        return self


@contextmanager
def pdf_signer(
    label: str,
    *,
    signing_cert: "asn1_x509.Certificate",
    chain: list["asn1_x509.Certificate"],
) -> Iterator["PKCS11Signer"]:
    """pyHanko's PKCS#11 signer on the token's key `label`, for one signature; the
    certificates come from the database, not the token."""
    from pyhanko.sign.pkcs11 import PKCS11Signer

    with session() as s:
        yield PKCS11Signer(
            s,
            key_label=label,
            signing_cert=signing_cert,
            ca_chain=chain,
            use_raw_mechanism=True,
        )
