"""Every certificate verifiable (issue 14, deliverable 4): a certificate sealed with the
committee's physical seal carries a QR token signed by its township's issuing
authority, stating the paper form, printed on the issued rendering (never the draft)
with the check code beside the serial; it verifies online (token, serial + check code,
departments' API, the console) and offline against the trust list."""

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess

import cbor2
import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.certificates import electronic
from yinzheng.certificates import services as certificates
from yinzheng.certificates.tests import factories as cert_factories
from yinzheng.core.files import stored_bytes
from yinzheng.core.tests import factories as core_factories
from yinzheng.esign import offline, pki, qr, tokens, trustlist, verification
from yinzheng.esign.choices import KeyPurpose, RevocationReason, Verdict
from yinzheng.esign.models import SignedDocument, VerificationQuery

from .test_token import tampered

pytestmark = pytest.mark.django_db
TOOLS = ("pdftoppm", "zbarimg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(tree):
    return cert_factories.committee_people(tree)


@pytest.fixture
def paper(tree, staff, settings):
    """A certificate of committee A1a issued under its physical seal, through the
    certificate work (request → verify → approve → seal)."""
    settings.PUBLIC_URL = "https://yinzheng.shandan.gov.cn"
    cert_factories.committee_seal(staff, tree["A1a"])
    catalogue = cert_factories.county_catalogue()
    return cert_factories.issued(staff, tree["A1a"], catalogue.simple)


def _doc(req) -> SignedDocument:
    return SignedDocument.objects.select_related("seal_key").get(serial=req.serial)


def _pin() -> set[str]:
    root = pki.chain(pki.authority("620725101"))[-1]
    return {hashlib.sha256(pki.certificate_der(root)).hexdigest()}


# The token ----------------------------------------------------------------------------


def test_a_paper_certificate_gets_a_token_signed_by_its_township(paper):
    # Given a certificate issued under a physical seal
    doc = _doc(paper)
    # Then its token is format 2 with the paper form, signed by the township authority
    assert doc.seal_key.purpose == KeyPurpose.AUTHORITY
    assert doc.seal_key.division_id == paper.committee_id[:9]
    parsed = tokens.parse(doc.token)
    assert parsed.claims.paper and parsed.claims.serial == paper.serial
    assert parsed.claims.committee == paper.committee_id
    assert parsed.kid == qr.cert_kid(doc.seal_key)
    payload = cbor2.loads(parsed.message.payload)
    assert payload[tokens.FORM] == tokens.FORM_PAPER
    assert parsed.claims.public()["form"] == "paper"
    # and it was marked issued when the custodian recorded the stamping, no signature
    assert doc.signed_at is not None and doc.signed_by == paper.issued_by
    assert not doc.signed_pdf and not doc.level
    assert doc.draft_sha256 == paper.certificate_sha256
    assert doc.approved_sha256 == paper.issued_sha256
    assert doc.register_entry_id == paper.register_entry_id
    # and the issued certificate carries the QR address and the check code, taken
    # from the token and the key at issue, never from the stored content
    content = paper.certificate_content
    assert "qr_payload" not in content and "check_code" not in content
    assert electronic.issue_marks(paper.serial) == {
        "qr_payload": qr.address(doc.token),
        "check_code": qr.check_code(paper.serial),
    }


def test_an_electronic_token_has_no_form_claim(tree):
    """Electronic tokens are as they were: the form claim is for paper only."""
    key = pki.authority("620725101")
    now = timezone.now()
    token = qr.make_token(
        key, serial="S-1", committee="620725101001", issue_date=now.date(), at=now
    )
    parsed = tokens.parse(token)
    assert not parsed.claims.paper
    assert tokens.FORM not in cbor2.loads(parsed.message.payload)
    assert "form" not in parsed.claims.public()
    # A form claim of any other value is refused.
    bad = cbor2.loads(parsed.message.payload)
    bad[tokens.FORM] = 2
    with pytest.raises(tokens.TokenError):
        tokens._claims_v2(bad)


def test_the_check_code_is_eight_readable_characters_read_back_leniently(settings):
    code = qr.check_code("620725101001-2026-000001")
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set(qr.CHECK_ALPHABET)
    assert not set("ILOU") & set(code)
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert qr.check_code_matches("620725101001-2026-000001", typed)
    assert not qr.check_code_matches("620725101001-2026-000002", code)
    assert not qr.check_code_matches("620725101001-2026-000001", "")
    # The code is keyed: another serial, another code.
    assert qr.check_code("620725101001-2026-000002") != code


# The printed certificate --------------------------------------------------------------


def _decode(pdf: bytes, tmp_path, name: str) -> subprocess.CompletedProcess:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"]
        + [str(path), str(tmp_path / name)],
        check=True,
        timeout=120,
    )
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"]
        + [str(tmp_path / f"{name}.png")],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _text(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}-text.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout


def test_the_issued_paper_certificate_prints_the_qr_and_the_check_code(paper, tmp_path):
    missing = [tool for tool in (*TOOLS, "pdftotext") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (poppler-utils, zbar)")
    doc = _doc(paper)
    # When the issued rendering is rendered at 150 dpi and its QR code read back
    read = _decode(stored_bytes(paper.issued_pdf), tmp_path, "issued")
    # Then it is the page's address with the stored token
    assert read.returncode == 0, read.stderr
    decoded = read.stdout.strip()
    assert decoded == qr.address(doc.token)
    assert decoded.startswith("HTTPS://YINZHENG.SHANDAN.GOV.CN/V/YZ2:")
    assert tokens.from_text(decoded) == doc.token
    # and the check code is printed beside the serial
    text = _text(stored_bytes(paper.issued_pdf), tmp_path, "issued")
    assert f"核验码：{qr.check_code(paper.serial)}" in text
    assert paper.serial in text


def test_the_draft_of_a_paper_certificate_has_no_qr_and_no_check_code(paper, tmp_path):
    missing = [tool for tool in (*TOOLS, "pdftotext") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (poppler-utils, zbar)")
    draft = stored_bytes(paper.certificate_pdf)
    read = _decode(draft, tmp_path, "draft")
    assert read.returncode != 0 and not read.stdout.strip()
    text = _text(draft, tmp_path, "draft")
    assert "核验码" not in text and qr.check_code(paper.serial) not in text


# Online verification -----------------------------------------------------------------


def test_the_paper_token_verifies_as_issued_paper(paper):
    doc = _doc(paper)
    result = verification.verify_token(qr.address(doc.token))
    assert result.verdict == Verdict.VALID, result.checks
    assert result.paper and result.public()["form"] == "paper"
    assert result.public()["holder"] == "张*"
    names = [c.name for c in result.checks]
    assert "signature" not in names and "form" in names
    assert verification.verify_token(tampered(doc.token)).verdict == Verdict.INVALID


def test_an_annulled_paper_certificate_verifies_withdrawn(paper, staff):
    certificates.request_annul(actor=staff.head, request_id=paper.pk, reason="事实有误")
    doc = _doc(paper)
    assert doc.withdrawn_at is not None
    assert verification.verify_token(doc.token).verdict == Verdict.WITHDRAWN
    by_code = verification.verify_check_code(paper.serial, qr.check_code(paper.serial))
    assert by_code.verdict == Verdict.WITHDRAWN


def test_serial_and_check_code_verify_and_a_wrong_code_is_an_unknown_serial(paper):
    right = verification.verify_check_code(paper.serial, qr.check_code(paper.serial))
    assert right.verdict == Verdict.VALID and right.paper
    wrong = verification.verify_check_code(paper.serial, "0000-0000")
    never = verification.verify_check_code("620725101001-2026-999999", "0000-0000")
    assert wrong.verdict == Verdict.UNKNOWN and wrong.document is None
    # Word for word the answer of a serial never issued (but for the serial echoed).
    assert {**wrong.public(), "serial": ""} == {**never.public(), "serial": ""}
    assert [c.as_dict() for c in wrong.checks] == [c.as_dict() for c in never.checks]


def test_a_token_signed_by_the_township_without_the_paper_form_is_refused(paper):
    """The authority's key makes paper tokens only: an 'electronic' token it signed
    names no seal and verifies nothing."""
    doc = _doc(paper)
    claims = tokens.parse(doc.token).claims
    forged = qr.make_token(
        doc.seal_key,
        serial=claims.serial,
        committee=claims.committee,
        issue_date=claims.issued,
        at=doc.prepared_at,
    )
    assert verification.verify_token(forged).verdict == Verdict.UNKNOWN


def test_a_token_made_after_the_authority_was_revoked_is_invalid(paper):
    doc = _doc(paper)
    pki.revoke(doc.seal_key, at=doc.prepared_at, reason=RevocationReason.KEY_COMPROMISE)
    assert verification.verify_token(doc.token).verdict == Verdict.INVALID


# Offline -----------------------------------------------------------------------------


def test_a_paper_token_verifies_offline_with_the_trust_list(paper):
    doc = _doc(paper)
    listed = json.loads(json.dumps(trustlist.build(under="620725"), default=str))
    result = offline.verify_token(doc.token, listed, pinned_roots=_pin())
    assert result.verdict == offline.VALID, result.reasons
    assert result.form == "paper" and result.claims["form"] == "paper"
    assert "paper_form" in result.reasons
    # Refused: a changed token, a root nobody pinned, an authority not listed.
    assert (
        offline.verify_token(tampered(doc.token), listed, pinned_roots=_pin()).verdict
        == offline.INVALID
    )
    unpinned = offline.verify_token(doc.token, listed, pinned_roots={"0" * 64})
    assert unpinned.verdict == offline.INVALID
    assert unpinned.reasons == ["root_not_pinned"]
    missing = offline.verify_token(doc.token, {**listed, "authorities": []})
    assert missing.verdict == offline.UNKNOWN
    assert missing.reasons == ["authority_not_listed"]


def test_a_paper_token_offline_after_the_authority_was_revoked(paper):
    doc = _doc(paper)
    before = doc.prepared_at - dt.timedelta(minutes=1)
    pki.revoke(doc.seal_key, at=before, reason=RevocationReason.KEY_COMPROMISE)
    listed = json.loads(json.dumps(trustlist.build(under="620725"), default=str))
    result = offline.verify_token(doc.token, listed, pinned_roots=_pin())
    assert result.verdict == offline.INVALID
    assert "authority_revoked_before" in result.reasons


# Departments and the console --------------------------------------------------------


def test_a_department_outside_the_jurisdiction_verifies_by_serial_and_code(paper):
    outsider = core_factories.user(
        "waidi", role=Role.DEPARTMENT, at="440804", department=Department.HEALTH
    )
    client = APIClient()
    client.force_authenticate(outsider)
    body = {"serial": paper.serial, "legal_basis": "《社会保险法》", "purpose": "核实"}
    right = client.post(
        "/api/esign/verifications/",
        {**body, "check_code": qr.check_code(paper.serial)},
    )
    assert right.status_code == 201, right.content
    assert right.json()["result"]["verdict"] == "valid"
    assert right.json()["result"]["form"] == "paper"
    wrong = client.post(
        "/api/esign/verifications/", {**body, "check_code": "0000-0000"}
    )
    assert wrong.json()["result"]["verdict"] == "unknown"
    assert "holder" not in wrong.json()["result"]
    assert VerificationQuery.objects.count() == 2


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_the_console_verifies_a_paper_token_online_offline_and_by_code(paper, tmp_path):
    doc = _doc(paper)
    code, out = _run("certificate", "verify", doc.token, "--json")
    assert code == 0 and json.loads(out)["form"] == "paper"
    trust = tmp_path / "trust-list.json"
    assert _run("esign", "trust-list", "--out", str(trust))[0] == 0
    pin = json.loads(trust.read_text())["roots"][0]["sha256"]
    code, out = _run(
        "certificate", "verify", doc.token, "--offline", str(trust), "--pin", pin
    )
    assert code == 0 and out.splitlines()[0] == "valid 有效"
    assert "纸质证明" in out
    code, out = _run(
        "certificate", "verify", paper.serial, "--code", qr.check_code(paper.serial)
    )
    assert code == 0, out
    assert _run("certificate", "verify", paper.serial, "--code", "0000-0000")[0] == 1
