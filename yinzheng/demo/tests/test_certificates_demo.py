"""The demo requests: made through the services across the demo committees, every
document marked as a sample, and the loader runs twice without duplicates."""

import pytest

from yinzheng.certificates import selectors
from yinzheng.certificates.choices import Status
from yinzheng.certificates.models import (
    CertificateRequest,
    Commitment,
    CreditRecord,
    CreditSubmission,
    DemandReport,
    Sampling,
)
from yinzheng.demo.loader import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_has_issued_refused_exception_and_public_interest_cases():
    load_demo()
    requests = CertificateRequest.objects.all()
    assert all(r.sample for r in requests)
    statuses = {r.status for r in requests}
    assert {Status.ISSUED, Status.VERIFIED, Status.REFUSED, Status.TRANSFERRED} <= (
        statuses
    )
    assert {r.committee_id for r in requests} == {
        "620725101001",
        "620725101201",
        "440804001001",
    }
    exception = requests.get(item__key="marital_status_certificate")
    assert exception.status == Status.ISSUED
    assert "negative_exception" in exception.decision["tags"]
    public = requests.get(public_interest=True)
    assert "special_case" in public.decision["tags"]
    assert public.status == Status.RECEIVED  # waits for consultation and signature
    assert not selectors.negative_exception_enabled("440804001001")  # 坡头区 (004)
    assert DemandReport.objects.count() == 1
    count = requests.count()
    load_demo()
    assert CertificateRequest.objects.count() == count


def test_the_demo_has_a_true_and_a_false_commitment_with_a_queued_submission():
    """REQ-082–086: made by the services; the sample platform is disabled, so the
    submission waits."""
    load_demo()
    commitments = {c.verification.result: c for c in Commitment.objects.all()}
    assert set(commitments) == {"true", "false"}
    assert all(
        c.sample and c.request.status == Status.COMMITTED for c in commitments.values()
    )
    record = CreditRecord.objects.get()
    assert record.commitment == commitments["false"]
    assert CreditSubmission.objects.get().status == "queued"
    assert Sampling.objects.get().seed == "demo-qingquan-sample-1"
    assert selectors.credit_platform_for("620725101001").enabled is False
    load_demo()
    assert Commitment.objects.count() == 2 and CreditRecord.objects.count() == 1


def test_the_demo_has_a_referral_waiting_and_one_answered_REQ_118():
    """REQ-118: the county health bureau's demo officer finds the death certificate in
    its queue; the public-security office answered the other, which the case shows."""
    from yinzheng.accounts.models import User
    from yinzheng.certificates.models import Referral

    load_demo()
    health = User.objects.get(username="weijian")
    assert [r.request.item_name for r in selectors.referral_queue(health)] == [
        "死亡证明"
    ]
    answered = Referral.objects.get(status="closed")
    assert answered.jurisdiction_id == "620725101" and "清泉派出所" in answered.answer
    assert answered.request.status == Status.REFUSED
    load_demo()
    assert Referral.objects.count() == 2


def test_the_demo_police_checked_a_certificate_with_its_legal_basis_REQ_111():
    """The departments' page shows a recorded query: 赵公安's, in the county's civil
    affairs' log too; loading again adds none."""
    from yinzheng.accounts.models import User
    from yinzheng.esign import selectors as esign
    from yinzheng.esign.models import VerificationQuery

    load_demo()
    police = User.objects.get(username="gongan")
    (query,) = esign.query_log(police)
    assert query.verdict == "valid" and "居住证暂行条例" in query.legal_basis
    assert list(esign.query_log(User.objects.get(username="minzheng"))) == [query]
    load_demo()
    assert VerificationQuery.objects.count() == 1
