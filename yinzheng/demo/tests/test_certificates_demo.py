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
