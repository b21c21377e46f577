"""What the certificate journey writes on a seal-use request and on a closed case is
kept as a code with the person's own words beside it, and put into words when read
(issue 16): a clerk reading in English sees "Verified: …", not "已核实：…"."""

from django.conf import settings

from yinzheng.certificates import services
from yinzheng.certificates.choices import Closing
from yinzheng.certificates.models import CertificateRequest
from yinzheng.seals.choices import UsageClosing, UsageReview
from yinzheng.seals.models import UsageRequest

from .factories import commitment_item, committed, request

A1A = "620725101001"


def _read(client, user, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _verified(people, catalogue) -> CertificateRequest:
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    return services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )


def test_the_review_of_a_certificates_sealing_reads_in_the_readers_language(
    people, seal, catalogue, client
):
    req = _verified(people, catalogue)
    use = UsageRequest.objects.get(pk=req.usage_id)
    assert (use.review_code, use.review_note) == (UsageReview.VERIFIED, "居住事实")
    url = use.get_absolute_url()
    assert "已核实：居住事实" in _read(client, people.head, url, "zh-hans")
    english = _read(client, people.head, url, "en")
    assert "Verified: 居住事实" in english and "已核实" not in english


def test_refusing_or_withdrawing_closes_the_sealing_in_the_readers_language(
    people, seal, catalogue, client
):
    refused = _verified(people, catalogue)
    services.request_refuse(
        actor=people.clerk,
        request_id=refused.pk,
        reason="材料不全",
        route="补齐材料后再申请",
        department="本村委会",
    )
    withdrawn = _verified(people, catalogue)
    services.request_withdraw(
        actor=people.clerk, request_id=withdrawn.pk, reason="不再需要"
    )
    for req, code, zh, en in [
        (refused, UsageClosing.REFUSED, "不予出具：材料不全", "Refused: 材料不全"),
        (
            withdrawn,
            UsageClosing.WITHDRAWN,
            "申请人撤回：不再需要",
            "Withdrawn by the applicant: 不再需要",
        ),
    ]:
        use = UsageRequest.objects.get(pk=req.usage_id)
        assert use.closing_code == code
        url = use.get_absolute_url()
        assert zh in _read(client, people.head, url, "zh-hans")
        english = _read(client, people.head, url, "en")
        assert en in english and zh not in english


def test_a_commitment_closes_the_case_in_the_readers_language(people, client):
    commitment = committed(people, A1A, commitment_item())
    req = CertificateRequest.objects.get(pk=commitment.request_id)
    assert (req.closing_code, req.closing_note) == (
        Closing.COMMITMENT,
        commitment.number,
    )
    url = req.get_absolute_url()
    assert f"以告知承诺代替证明：{commitment.number}" in _read(
        client, people.clerk, url, "zh-hans"
    )
    english = _read(client, people.clerk, url, "en")
    assert f"Commitment in place of a certificate: {commitment.number}" in english
    assert "以告知承诺代替证明" not in english


def test_a_refusals_stated_basis_reads_in_the_readers_language(people, client):
    """A basis the system states (REQ-036: the negative list, or no legal basis) is
    kept as a code and worded from the list and the item when read."""
    from yinzheng.catalogue.models import Item
    from yinzheng.certificates.choices import RefusalBasis

    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    services.request_refuse(
        actor=people.clerk, request_id=req.pk, reason="负面清单事项"
    )
    req.refresh_from_db()
    assert req.refusal_basis_code == RefusalBasis.NEGATIVE_LIST
    assert req.refusal_basis == ""
    chinese = _read(client, people.clerk, req.get_absolute_url(), "zh-hans")
    assert f"列入《{req.list_title}》的“{req.item_name}”" in chinese
    english = _read(client, people.clerk, req.get_absolute_url(), "en")
    assert f"“{req.item_name}”, listed in “{req.list_title}”" in english
    assert "列入《" not in english


def test_a_commitment_note_and_basis_stored_worded_before_become_codes(people):
    """Migration certificates 0013, on rows written worded by earlier versions."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("yinzheng.certificates.migrations.0013_system_phrases")
    commitment = committed(people, A1A, commitment_item())
    CertificateRequest.objects.filter(pk=commitment.request_id).update(
        closing_code="", closing_note=f"以告知承诺代替证明：{commitment.number}"
    )
    migration.to_codes(apps, None)
    req = CertificateRequest.objects.get(pk=commitment.request_id)
    assert (req.closing_code, req.closing_note) == ("commitment", commitment.number)
