"""What signing keeps between signatures (issue 15): the room a signature takes in the
file is measured once per signer and timestamper, not by a trial signature every time;
the county's timestamper, its key decrypted, lives until its key changes. Nothing kept
lets a signature be weaker: the files still validate for an outside verifier, a room
too small is measured again, a destroyed or replaced timestamp key is seen at once."""

import datetime as dt

import pytest
from pyhanko.sign.signers.pdf_signer import PdfSigningSession

from yinzheng.esign import keys, pades, pki, tsa
from yinzheng.esign.models import KeyPair
from yinzheng.esign.tests.test_long_term import outside_verdict, root_of

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(monkeypatch):
    """How many times pyHanko measured a signature's room by a trial signature."""
    calls = []
    original = PdfSigningSession.estimate_signature_container_size

    async def counting(self, *args, **kwargs):
        calls.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(
        PdfSigningSession, "estimate_signature_container_size", counting
    )
    return calls


def _issue_lta(eseal, people):
    doc, _approved = f.issued(
        eseal, clerk=people.clerk, custodian=people.custodian, timestamp_url=None
    )
    return doc, f.signed_bytes(doc)


def test_a_seal_signing_again_does_not_measure_its_signature_again(
    eseal, people, measured
):
    first, _ = _issue_lta(eseal, people)
    assert len(measured) <= 1  # none when an earlier test left the figure kept
    measured.clear()
    doc, data = _issue_lta(eseal, people)
    assert measured == []
    assert doc.level == "B-LTA"
    # The file made with the kept room is as good for an outside verifier.
    assert outside_verdict(data, root_of(doc)).valid
    assert doc.seal_key_id == first.seal_key_id


def test_a_kept_room_too_small_is_measured_again_and_the_signature_made(
    eseal, people, measured
):
    doc, _ = _issue_lta(eseal, people)
    kept = pades._RESERVED[tsa.timestamper(root_of(doc).division_id)]  # noqa: SLF001
    assert kept
    for chain in kept:
        kept[chain] = 200  # far below any CMS signature
    measured.clear()
    doc, data = _issue_lta(eseal, people)
    assert len(measured) == 1
    assert outside_verdict(data, root_of(doc)).valid
    assert min(kept.values()) > 200


def test_the_county_timestamper_is_kept_until_its_key_is_replaced(eseal, people):
    doc, _ = _issue_lta(eseal, people)
    county = root_of(doc).division_id
    stamper = tsa.timestamper(county)
    assert tsa.timestamper(county) is stamper
    assert tsa.authority(county) is stamper.tsa
    old = pki.timestamp_authority(county)
    KeyPair.objects.filter(pk=old.pk).update(
        not_after=old.not_before + dt.timedelta(days=30)
    )
    renewed = tsa.timestamper(county)
    assert renewed is not stamper
    assert renewed.tsa.certificate.dump() == pki.certificate_der(
        pki.timestamp_authority(county)
    )


def test_a_kept_timestamper_whose_key_was_destroyed_stamps_nothing(eseal, people):
    doc, _ = _issue_lta(eseal, people)
    county = root_of(doc).division_id
    tsa.timestamper(county)  # kept
    row = pki.timestamp_authority(county)
    keys.destroy_private(row)
    with pytest.raises(keys.KeyDestroyed):
        tsa.timestamper(county)
