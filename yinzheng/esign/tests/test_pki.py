"""The key hierarchy: county root → township issuing authority → seal, keys encrypted at
rest, revocation with its time, CRLs at stable addresses (design.md §4, REQ-060,
REQ-115)."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtensionOID, NameOID

from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.divisions import services as division_services
from yinzheng.esign import keys, pki, services
from yinzheng.esign.choices import KeyPurpose, RevocationReason
from yinzheng.esign.models import KeyPair
from yinzheng.ledger.models import Entry
from yinzheng.seals import services as seal_services
from yinzheng.seals.choices import SealForm
from yinzheng.seals.tests import factories as seal_factories

from .conftest import TOWNSHIP

pytestmark = pytest.mark.django_db


def cert(row: KeyPair) -> x509.Certificate:
    return x509.load_pem_x509_certificate(row.certificate_pem.encode())


def crl_of(client, code: str) -> x509.CertificateRevocationList:
    response = client.get(f"/esign/crl/{code}.crl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    return x509.load_der_x509_crl(response.content)


def test_issuing_an_electronic_seal_certifies_it_under_its_township_and_county(eseal):
    """REQ-060, REQ-115: the seal's certificate comes from its township, whose own
    certificate comes from the county root."""
    key = KeyPair.objects.get(seal=eseal)
    authority, root = pki.chain(key)[1:]
    assert (key.purpose, authority.purpose, root.purpose) == (
        KeyPurpose.SEAL,
        KeyPurpose.AUTHORITY,
        KeyPurpose.ROOT,
    )
    assert authority.division_id == TOWNSHIP and root.division_id == TOWNSHIP[:6]
    seal_cert, authority_cert, root_cert = cert(key), cert(authority), cert(root)
    seal_cert.verify_directly_issued_by(authority_cert)
    authority_cert.verify_directly_issued_by(root_cert)
    root_cert.verify_directly_issued_by(root_cert)
    assert seal_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[
        0
    ].value == (eseal.committee.name)
    usage = seal_cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign
    basic = seal_cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
    assert basic.critical and basic.value.ca is False
    assert (
        authority_cert.extensions.get_extension_for_oid(
            ExtensionOID.BASIC_CONSTRAINTS
        ).value.path_length
        == 0
    )
    points = seal_cert.extensions.get_extension_for_oid(
        ExtensionOID.CRL_DISTRIBUTION_POINTS
    ).value
    assert points[0].full_name[0].value.endswith(f"/esign/crl/{TOWNSHIP}.crl")
    assert Entry.objects.filter(
        event="esign.seal_certificate_issued", subject=f"seals.seal:{eseal.pk}"
    ).exists()


def test_the_township_key_that_signs_checkpoints_is_the_one_that_issues_seals(eseal):
    key = KeyPair.objects.get(seal=eseal)
    assert key.issuer == keys.authority_key(TOWNSHIP)


def test_a_physical_seal_gets_no_certificate(seal):
    assert not KeyPair.objects.filter(seal=seal).exists()
    with pytest.raises(services.InvalidInput) as exc:
        services.seal_certificate_issue(actor=SYSTEM, seal_id=seal.pk)
    assert exc.value.code == "seal_not_electronic"


def test_only_the_township_may_certify_a_seal(eseal, people):
    with pytest.raises(services.NotAllowed):
        services.seal_certificate_issue(actor=people.head, seal_id=eseal.pk)
    again = services.seal_certificate_issue(actor=people.township, seal_id=eseal.pk)
    assert again == KeyPair.objects.get(seal=eseal)  # one certificate per seal


def test_private_keys_are_encrypted_at_rest_under_the_master_key(eseal, settings):
    key = KeyPair.objects.get(seal=eseal)
    der = keys.private_key_der(key)
    assert der not in bytes(key.private_key_encrypted)
    public = keys.private_key(key).public_key()
    assert (
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        == key.public_key_pem
    )
    settings.MASTER_KEY = "A" * 43  # another 32-byte key
    with pytest.raises(keys.MasterKeyInvalid):
        keys.private_key(key)


def test_rotating_the_master_key_reseals_every_key(eseal, settings):
    old = settings.MASTER_KEY
    new = "B" * 43
    count = keys.reseal_all(old_master=old, new_master=new)
    assert count == KeyPair.objects.count() >= 3
    settings.MASTER_KEY = new
    key = KeyPair.objects.get(seal=eseal)
    assert keys.private_key_der(key)  # opens with the new master key only


@pytest.mark.parametrize(
    "retire, reason",
    [
        ("lose", RevocationReason.KEY_COMPROMISE),
        ("revoke", RevocationReason.PRIVILEGE_WITHDRAWN),
        ("collect", RevocationReason.CESSATION),
    ],
)
def test_a_retired_seal_has_its_certificate_revoked_from_that_moment(
    eseal, people, client, retire, reason
):
    """REQ-115: lost, revoked and collected seals are revoked like physical ones; the
    revocation carries the moment the seal became unusable, and the township's CRL
    lists it (no login)."""
    officer = people.township
    if retire == "lose":
        seal_services.seal_report_loss(
            actor=people.custodian,
            seal_id=eseal.pk,
            lost_on=clock.today(),
            circumstances="电子印章密钥介质遗失",
        )
    elif retire == "revoke":
        seal_services.seal_revoke(actor=officer, seal_id=eseal.pk, reason="违规使用")
    else:
        seal_services.seal_collect(actor=officer, seal_id=eseal.pk)
    eseal.refresh_from_db()
    key = KeyPair.objects.get(seal=eseal)
    assert key.revoked_at == eseal.unusable_since
    assert key.revocation_reason == reason
    crl = crl_of(client, TOWNSHIP)
    authority = cert(pki.chain(key)[1])
    assert crl.is_signature_valid(authority.public_key())
    assert crl.issuer == authority.subject
    entry = crl.get_revoked_certificate_by_serial_number(int(key.serial_number, 16))
    assert entry is not None
    assert entry.revocation_date_utc == key.revoked_at.replace(microsecond=0)
    assert Entry.objects.filter(event="esign.seal_certificate_revoked").count() == 1


def test_replacing_a_seal_supersedes_the_old_certificate_and_certifies_the_new(
    eseal, people
):
    new = seal_factories.issued(
        officer=people.township,
        committee=eseal.committee_id,
        form=SealForm.ELECTRONIC,
        replaces=eseal,
    )
    seal_services.custody_appoint(
        actor=people.head, seal_id=new.pk, custodian_id=people.custodian2.pk
    )
    seal_services.seal_replace(
        actor=people.township, old_seal_id=eseal.pk, new_seal_id=new.pk
    )
    old_key, new_key = KeyPair.objects.get(seal=eseal), KeyPair.objects.get(seal=new)
    assert old_key.revocation_reason == RevocationReason.SUPERSEDED
    assert new_key.revoked_at is None and new_key.issuer == old_key.issuer


def test_abolishing_the_committee_revokes_its_electronic_seals(eseal, people):
    """REQ-063 blocks the seals at once; the certificates follow."""
    division_services.committee_abolish(
        actor=people.civil, code=eseal.committee_id, reference="县政府批复〔2026〕1号"
    )
    key = KeyPair.objects.get(seal=eseal)
    assert key.revocation_reason == RevocationReason.CESSATION


def test_the_crl_numbers_grow_and_a_stale_crl_is_signed_again(eseal, people, client):
    first = crl_of(client, TOWNSHIP)
    number = first.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert list(first) == []
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="撤销")
    second = crl_of(client, TOWNSHIP)
    assert (
        second.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        > number
    )
    assert len(list(second)) == 1
    authority = keys.authority_key(TOWNSHIP)
    stale = pki.current_crl(authority)
    later = stale.next_update - dt.timedelta(hours=1)
    import yinzheng.core.clock as clock_module

    original = clock_module.now
    clock_module.now = lambda: later
    try:
        fresh = pki.current_crl(authority)
    finally:
        clock_module.now = original
    assert fresh.number == stale.number + 1 and fresh.next_update > stale.next_update


def test_the_county_root_publishes_its_crl_too(eseal, client):
    root = KeyPair.objects.get(purpose=KeyPurpose.ROOT, division_id=TOWNSHIP[:6])
    crl = crl_of(client, TOWNSHIP[:6])
    assert crl.is_signature_valid(cert(root).public_key())
    assert list(crl) == []


def test_a_crl_of_a_division_without_keys_is_not_found(tree, client):
    assert client.get("/esign/crl/620725102.crl").status_code == 404
    assert client.get("/esign/crl/62072510.crl").status_code == 404


def test_a_revoked_certificate_refuses_to_sign(eseal, people):
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="撤销")
    key = KeyPair.objects.get(seal=eseal)
    with pytest.raises(pki.CertificateRevoked) as exc:
        pki.require_valid_for_signing(key, clock.now())
    assert exc.value.code == "seal_certificate_revoked"
    # Before the revocation the same certificate could sign.
    pki.require_valid_for_signing(key, key.revoked_at - dt.timedelta(seconds=1))


def test_a_retired_authority_key_keeps_its_crl_at_its_kid(eseal, people, client):
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="撤销")
    authority = keys.authority_key(TOWNSHIP)
    KeyPair.objects.filter(pk=authority.pk).update(retired_at=clock.now())
    crl = crl_of(client, authority.kid)
    key = KeyPair.objects.get(seal=eseal)
    assert crl.get_revoked_certificate_by_serial_number(int(key.serial_number, 16))
    listed = client.get("/esign/trust-list.json").json()
    assert listed["authorities"][0]["crl"].endswith(f"/esign/crl/{authority.kid}.crl")
    assert client.get(f"/esign/crl/{TOWNSHIP}.crl").status_code == 404
