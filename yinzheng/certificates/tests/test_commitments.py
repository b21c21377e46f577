"""Notification-commitment, post-verification and credit through the services, the
export to a credit platform over HTTP (a real server on 127.0.0.1), the command, the
inbox and the pages (REQ-082–086)."""

import hashlib
import json
import random
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from yinzheng.accounts.choices import Role
from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import (
    SignatureMethod,
    Status,
    SubmissionStatus,
    TaskStatus,
)
from yinzheng.certificates.inbox import commitment_items
from yinzheng.certificates.models import (
    CertificateRequest,
    Commitment,
    CreditRecord,
    CreditSubmission,
    VerificationTask,
)
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as core_factories
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry

from .factories import (
    commitment_item,
    committed,
    id_number,
    request,
    signature_png,
)

A1A = "620725101001"
COUNTY = "620725"
TOWNSHIP = "620725101"


@pytest.fixture
def item(catalogue):
    return commitment_item()


def _close(people, commitment, result="true", actor=None, **over):
    values = {
        "result": result,
        "verified_on": clock.today(),
        "verifier": "清泉镇 孙核查",
        "note": "入户走访，查验租赁合同" if result == "true" else "实际未在本村居住",
        **over,
    }
    return services.verification_close(
        actor=actor or people.township,
        task_id=commitment.verification.pk,
        **values,
    )


def _false_record(people, item, **over) -> CreditRecord:
    commitment = committed(people, A1A, item, **over)
    _close(people, commitment, "false")
    return CreditRecord.objects.get(commitment=commitment)


def _pdf_text(field, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("reading PDF text needs poppler-utils (pdftotext)")
    path = tmp_path / "doc.pdf"
    with field.open("rb") as fh:
        path.write_bytes(fh.read())
    out = subprocess.run([tool, str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def _journal() -> list[str]:
    return list(Entry.objects.values_list("body", flat=True))


# REQ-082: the commitment in place of the certificate ---------------------------------


def test_commitment_is_refused_where_the_item_does_not_allow_it_REQ_082(
    people, catalogue
):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert not req.decision["commitment_available"]
    with pytest.raises(Conflict) as exc:
        services.commitment_record(
            actor=people.clerk,
            request_id=req.pk,
            signature=("s.png", signature_png()),
        )
    assert exc.value.code == "commitment_not_allowed"
    assert CertificateRequest.objects.get(pk=req.pk).status == Status.RECEIVED
    assert not Commitment.objects.exists()


def test_an_unlisted_item_has_no_commitment_route_REQ_082(people, catalogue):
    req = request(actor=people.clerk, committee=A1A, item_text="无房证明")
    with pytest.raises(Conflict, match="告知承诺"):
        services.commitment_record(
            actor=people.clerk,
            request_id=req.pk,
            signature=("s.png", signature_png()),
        )


def test_commitment_closes_the_case_without_a_seal_and_opens_a_task_REQ_082_083(
    people, item
):
    req = request(actor=people.clerk, committee=A1A, item=item)
    assert req.decision["commitment_available"]

    commitment = services.commitment_record(
        actor=people.clerk,
        request_id=req.pk,
        signature=("signature.png", signature_png()),
        signature_method=SignatureMethod.SCREEN,
    )

    req.refresh_from_db()
    assert req.status == Status.COMMITTED and not req.is_open
    assert req.usage_id is None and req.seal_id is None and not req.serial
    assert req.register_entry_id is None and not req.certificate_pdf
    year = clock.today().year
    assert commitment.number == f"{A1A}-{year}-CN00001"
    assert commitment.number in req.closing_note
    with commitment.pdf.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == commitment.pdf_sha256
    with commitment.signature.open("rb") as fh:
        assert fh.read().startswith(b"\x89PNG")
    assert "计入个人信用记录" in commitment.notification
    task = commitment.verification
    assert task.status == TaskStatus.OPEN and not task.sampled and not task.result
    events = set(Entry.objects.values_list("event", flat=True))
    assert {"commitment.recorded", "certificate_request.committed"} <= events


def test_the_commitment_pdf_holds_the_notification_and_the_commitment_REQ_082(
    people, item, tmp_path
):
    number = id_number()
    commitment = committed(people, A1A, item, id_number=number, resident_name="王五")
    text = _pdf_text(commitment.pdf, tmp_path)
    for wanted in (
        "证明事项告知承诺书",
        commitment.number,
        "王五",
        number[:3] + "*" * 11 + number[-4:],
        "告知内容",
        "不实承诺的法律责任",
        "计入个人信用记录",
        "承诺内容",
        "本人已经知晓本告知承诺书告知的全部内容",
        "兹证明张三自2020年起在本社区实际居住",
    ):
        assert wanted in text, wanted
    assert number not in text


def test_the_texts_can_be_the_clerks_and_are_printed_as_given_REQ_082(
    people, item, tmp_path
):
    req = request(actor=people.clerk, committee=A1A, item=item)
    commitment = services.commitment_record(
        actor=people.clerk,
        request_id=req.pk,
        signature=("page.pdf", pdf_bytes("signed page")),
        signature_method=SignatureMethod.SCAN,
        notification_text="须在本村连续居住满一年。承诺不实的，记入信用记录。",
        commitment_text="本人承诺自2019年起连续居住。",
    )
    assert commitment.signature_method == SignatureMethod.SCAN
    text = _pdf_text(commitment.pdf, tmp_path)
    assert "须在本村连续居住满一年" in text and "本人承诺自2019年起连续居住" in text


def test_the_printable_form_is_made_while_the_route_is_open_REQ_082(
    people, item, tmp_path
):
    req = request(actor=people.clerk, committee=A1A, item=item)
    assert services.commitment_allowed(req)
    data = services.notification_pdf(req)
    assert data.startswith(b"%PDF-")
    assert not Commitment.objects.exists()  # printing records nothing


def test_a_signature_must_be_a_png_or_a_scanned_page(people, item):
    req = request(actor=people.clerk, committee=A1A, item=item)
    cases = [
        (None, SignatureMethod.SCREEN, "signature_required"),
        (("s.png", b"GIF89a"), SignatureMethod.SCREEN, "signature_invalid"),
        (("p.txt", b"hello"), SignatureMethod.SCAN, "signature_invalid"),
        (("s.png", signature_png()), "ink", "signature_method_invalid"),
    ]
    for signature, method, code in cases:
        with pytest.raises(InvalidInput) as exc:
            services.commitment_record(
                actor=people.clerk,
                request_id=req.pk,
                signature=signature,
                signature_method=method,
            )
        assert exc.value.code == code
    assert CertificateRequest.objects.get(pk=req.pk).status == Status.RECEIVED


def test_only_the_committees_clerk_or_head_records_a_commitment(people, item):
    req = request(actor=people.clerk, committee=A1A, item=item)
    for outsider in (people.township, people.custodian, people.other_clerk):
        with pytest.raises(NotAllowed):
            services.commitment_record(
                actor=outsider,
                request_id=req.pk,
                signature=("s.png", signature_png()),
            )
    committed_req = services.commitment_record(
        actor=people.head, request_id=req.pk, signature=("s.png", signature_png())
    )
    with pytest.raises(Conflict) as exc:  # a closed case takes no second one
        services.commitment_record(
            actor=people.clerk,
            request_id=committed_req.request_id,
            signature=("s.png", signature_png()),
        )
    assert exc.value.code == "request_wrong_status"


# REQ-083: post-verification and sampling ----------------------------------------------


def test_closing_a_task_needs_result_date_verifier_and_note_REQ_083(people, item):
    commitment = committed(people, A1A, item)
    missing = [
        ({"result": None}, "result_required"),
        ({"result": "maybe"}, "result_required"),
        ({"verified_on": None}, "verified_on_required"),
        ({"verifier": " "}, "verifier_required"),
        ({"note": ""}, "note_required"),
    ]
    for change, code in missing:
        with pytest.raises(InvalidInput) as exc:
            _close(people, commitment, **change)
        assert exc.value.code == code
    assert VerificationTask.objects.get().status == TaskStatus.OPEN

    task = _close(people, commitment, "true")

    assert task.status == TaskStatus.CLOSED and task.result == "true"
    assert task.verifier == "清泉镇 孙核查" and task.closed_by == people.township
    assert not CreditRecord.objects.exists()  # a true commitment leaves no record
    with pytest.raises(Conflict) as exc:
        _close(people, commitment, "false")
    assert exc.value.code == "task_closed"


def test_only_township_and_civil_affairs_post_verify_REQ_083(people, item):
    commitment = committed(people, A1A, item)
    for actor in (people.clerk, people.head):
        with pytest.raises(NotAllowed):
            _close(people, commitment, actor=actor)
    assert _close(people, commitment, actor=people.civil).status == TaskStatus.CLOSED


def test_sampling_is_reproducible_from_the_logged_seed_REQ_083(people, item):
    tasks = [committed(people, A1A, item).verification for _ in range(7)]

    sampling = services.commitment_sample(
        actor=people.township, scope_code=TOWNSHIP, rate="0.3"
    )

    logged = sampling.journal_entry.data["data"]["after"]
    assert logged["seed"] == sampling.seed and len(sampling.seed) == 32
    assert logged["population"] == sorted(t.pk for t in tasks)
    assert logged["size"] == 3  # 30 % of 7, rounded up
    # Anyone re-runs the draw from what the journal says, in any order of the ids.
    shuffled = list(logged["population"])
    random.Random(1).shuffle(shuffled)
    again = services.draw(shuffled, logged["size"], logged["seed"])
    assert again == logged["picks"] == sampling.picks
    sampled = set(
        VerificationTask.objects.filter(sampled=True).values_list("pk", flat=True)
    )
    assert sampled == set(again)
    assert all(
        t.sampling_id == sampling.pk
        for t in VerificationTask.objects.filter(sampled=True)
    )


def test_a_given_seed_draws_the_same_picks_and_sampled_tasks_come_first(people, item):
    tasks = [committed(people, A1A, item).verification for _ in range(5)]
    population = [t.pk for t in tasks]

    sampling = services.commitment_sample(
        actor=people.civil, scope_code=COUNTY, count=2, seed="county-2026-q1"
    )

    assert sampling.picks == services.draw(population, 2, "county-2026-q1")
    first = list(VerificationTask.objects.visible_to(people.township)[:2])
    assert {t.pk for t in first} == set(sampling.picks)  # priority order
    # Picked tasks are not drawn again; the rest can be.
    second = services.commitment_sample(
        actor=people.township, scope_code=TOWNSHIP, count=10, seed="x"
    )
    assert set(second.population) == set(population) - set(sampling.picks)
    assert len(second.picks) == 3
    with pytest.raises(Conflict) as exc:
        services.commitment_sample(actor=people.township, scope_code=TOWNSHIP, count=1)
    assert exc.value.code == "nothing_to_sample"


def test_a_draw_needs_a_rate_or_a_count_and_the_verifying_role(people, item):
    committed(people, A1A, item)
    for kwargs, code in [
        ({}, "sample_size_required"),
        ({"rate": "0.5", "count": 1}, "sample_size_required"),
        ({"rate": "1.5"}, "sample_rate_invalid"),
        ({"rate": "abc"}, "sample_rate_invalid"),
        ({"count": 0}, "sample_count_invalid"),
        ({"count": 1, "seed": "x" * 65}, "seed_invalid"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            services.commitment_sample(
                actor=people.township, scope_code=TOWNSHIP, **kwargs
            )
        assert exc.value.code == code, kwargs
    with pytest.raises(NotAllowed):
        services.commitment_sample(actor=people.clerk, scope_code=A1A, count=1)
    outside = core_factories.user("xz_b", role=Role.TOWNSHIP, at="440804001")
    with pytest.raises(NotAllowed):
        services.commitment_sample(actor=outside, scope_code=TOWNSHIP, count=1)


# REQ-084: a false commitment makes a credit record and queues a submission -------------


def test_false_result_creates_a_credit_record_and_queues_a_submission_REQ_084(
    people, item
):
    commitment = committed(people, A1A, item)

    _close(people, commitment, "false")

    record = CreditRecord.objects.get()
    assert record.commitment == commitment and record.task == commitment.verification
    assert record.request == commitment.request  # the person: name and ID from there
    assert record.finding == "实际未在本村居住"
    assert record.recorded_on == clock.today()
    submission = CreditSubmission.objects.get()
    assert submission.record == record
    assert submission.status == SubmissionStatus.QUEUED and submission.attempts == 0
    events = set(Entry.objects.values_list("event", flat=True))
    assert {"credit_record.created", "credit_submission.queued"} <= events


def test_the_id_number_never_enters_the_journal(people, item, platform_server):
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="全国信用信息共享平台",
        endpoint=platform_server.url + "/records",
    )
    number = id_number()
    commitment = committed(people, A1A, item, id_number=number)
    services.commitment_sample(actor=people.township, scope_code=A1A, count=1)
    _close(people, commitment, "false")
    services.credit_export(actor=SYSTEM)

    # Stored once, on the request; sent to the platform, which records credit by it.
    assert CertificateRequest.objects.filter(id_number=number).count() == 1
    assert platform_server.received[0]["body"]["subject"]["id_number"] == number
    assert not any(number in body for body in _journal())


# REQ-085: disclosure and penalty -------------------------------------------------------


def test_disclosure_and_penalty_are_recorded_REQ_085(people, item):
    record = _false_record(people, item)
    today = clock.today()

    record = services.credit_disclosure_set(
        actor=people.civil,
        record_id=record.pk,
        disclosure_site="信用中国（天津）",
        disclosed_on=today,
        penalty_decision="警告",
        penalty_on=today,
        penalty_published=True,
    )

    record.refresh_from_db()
    assert (record.disclosure_site, record.disclosed_on) == ("信用中国（天津）", today)
    assert record.penalty_decision == "警告" and record.penalty_on == today
    assert record.penalty_published and record.updated_by == people.civil
    assert Entry.objects.filter(event="credit_record.disclosure").exists()


def test_disclosure_and_penalty_are_all_or_nothing_REQ_085(people, item):
    record = _false_record(people, item)
    today = clock.today()
    for kwargs, code in [
        ({"disclosure_site": "信用中国"}, "disclosure_incomplete"),
        ({"disclosed_on": today}, "disclosure_incomplete"),
        ({"penalty_decision": "罚款"}, "penalty_incomplete"),
        ({"penalty_published": True}, "penalty_not_decided"),
        (
            {
                "disclosure_site": "信用中国",
                "disclosed_on": today.replace(year=today.year + 1),
            },
            "disclosed_on_invalid",
        ),
    ]:
        with pytest.raises(InvalidInput) as exc:
            services.credit_disclosure_set(
                actor=people.civil, record_id=record.pk, **kwargs
            )
        assert exc.value.code == code, kwargs
    with pytest.raises(NotAllowed):
        services.credit_disclosure_set(actor=people.township, record_id=record.pk)


# REQ-086: the platform per jurisdiction, the export over HTTP ----------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            {
                "path": self.path,
                "body": json.loads(body),
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
        )
        status, reply = self.server.replies.pop(0) if self.server.replies else (200, {})
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def platform_server():
    """A credit platform on 127.0.0.1: records each POST, answers from `replies`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.received, server.replies = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{server.server_port}",
        received=server.received,
        replies=server.replies,
    )
    server.shutdown()
    server.server_close()


def test_export_goes_to_the_configured_endpoint_then_to_a_changed_one_REQ_086(
    people, item, platform_server
):
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="全国信用信息共享平台",
        endpoint=platform_server.url + "/national",
    )
    first = _false_record(people, item, resident_name="王五")

    outcomes = services.credit_export(actor=SYSTEM)

    assert [(o.submission_id, o.outcome) for o in outcomes] == [
        (first.submissions.get().pk, "sent")
    ]
    [received] = platform_server.received
    assert received["path"] == "/national"
    body = received["body"]
    assert body["schema"] == "yinzheng.credit-record/1"
    assert body["subject"]["name"] == "王五"
    assert body["commitment"]["number"] == first.commitment.number
    assert body["verification"]["result"] == "false"
    assert received["headers"]["idempotency-key"].endswith(
        str(first.submissions.get().pk)
    )
    sent = first.submissions.get()
    assert sent.status == SubmissionStatus.SENT and sent.attempts == 1
    assert sent.endpoint == platform_server.url + "/national"
    assert sent.platform_name == "全国信用信息共享平台" and sent.sent_at

    # The city's own platform below the national one, configured later: the next
    # submission goes there; the one already sent is not sent again.
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="市信用信息共享平台",
        endpoint=platform_server.url + "/city",
    )
    second = _false_record(people, item)
    services.credit_export(actor=SYSTEM)

    assert [r["path"] for r in platform_server.received] == ["/national", "/city"]
    assert second.submissions.get().endpoint == platform_server.url + "/city"
    assert first.submissions.get().attempts == 1


def test_the_nearest_platform_applies_and_a_disabled_one_sends_nothing_REQ_086(
    people, item, platform_server
):
    province = core_factories.user("sheng", role=Role.CIVIL_AFFAIRS, at="62")
    services.credit_platform_set(
        actor=province,
        division_code="62",
        name="省平台",
        endpoint=platform_server.url + "/province",
    )
    assert selectors.credit_platform_for(A1A).name == "省平台"
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="县平台（停用）",
        endpoint=platform_server.url + "/county",
        enabled=False,
    )
    record = _false_record(people, item)

    outcomes = services.credit_export(actor=SYSTEM)

    assert [o.outcome for o in outcomes] == ["no_platform"]
    assert not platform_server.received
    assert record.submissions.get().status == SubmissionStatus.QUEUED


def test_a_failure_is_recorded_and_retried_at_the_next_run_REQ_086(
    people, item, platform_server
):
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="全国信用信息共享平台",
        endpoint=platform_server.url + "/records",
    )
    record = _false_record(people, item)
    platform_server.replies.append((503, {"error": "maintenance"}))

    [outcome] = services.credit_export(actor=SYSTEM)

    submission = record.submissions.get()
    assert outcome.outcome == "failed"
    assert submission.status == SubmissionStatus.FAILED and submission.attempts == 1
    assert submission.response_status == 503 and "HTTP 503" in submission.last_error
    assert Entry.objects.filter(event="credit_submission.failed").exists()

    platform_server.replies.append((200, {"acknowledged": True, "reference": "R-1"}))
    [outcome] = services.credit_export(actor=SYSTEM)

    submission.refresh_from_db()
    assert outcome.outcome == "acknowledged"
    assert submission.status == SubmissionStatus.ACKNOWLEDGED
    assert submission.attempts == 2 and submission.remote_reference == "R-1"
    assert submission.last_error == "" and submission.acknowledged_at


def test_an_unreachable_platform_is_a_failure_with_its_reason(people, item):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="全国信用信息共享平台",
        endpoint=f"http://127.0.0.1:{port}/records",
    )
    record = _false_record(people, item)

    [outcome] = services.credit_export(actor=SYSTEM, timeout=2)

    submission = record.submissions.get()
    assert outcome.outcome == "failed" and submission.response_status is None
    assert "URLError" in submission.last_error


def test_a_sent_submission_can_be_acknowledged_later_REQ_084(
    people, item, platform_server
):
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="平台",
        endpoint=platform_server.url + "/r",
    )
    record = _false_record(people, item)
    services.credit_export(actor=SYSTEM)
    submission = record.submissions.get()
    assert submission.status == SubmissionStatus.SENT

    services.credit_submission_acknowledge(
        actor=people.civil, submission_id=submission.pk, reference="回执-9"
    )

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACKNOWLEDGED
    assert submission.remote_reference == "回执-9"
    with pytest.raises(Conflict):
        services.credit_submission_acknowledge(
            actor=people.civil, submission_id=submission.pk
        )


def test_the_platform_endpoint_must_be_a_web_address(people):
    for endpoint in ("ftp://example.org/x", "not a url", "file:///etc/passwd"):
        with pytest.raises(InvalidInput) as exc:
            services.credit_platform_set(
                actor=people.civil,
                division_code=COUNTY,
                name="平台",
                endpoint=endpoint,
            )
        assert exc.value.code == "endpoint_invalid"
    with pytest.raises(NotAllowed):
        services.credit_platform_set(
            actor=people.township,
            division_code=TOWNSHIP,
            name="平台",
            endpoint="https://credit.example.org/api",
        )


def test_the_command_sends_dry_runs_and_exits_1_on_failure(
    people, item, platform_server, capsys
):
    services.credit_platform_set(
        actor=people.civil,
        division_code=COUNTY,
        name="全国信用信息共享平台",
        endpoint=platform_server.url + "/records",
    )
    record = _false_record(people, item)

    call_command("credit_export", "--dry-run", "--under", COUNTY)
    assert "将报送" in capsys.readouterr().out
    assert not platform_server.received
    assert record.submissions.get().status == SubmissionStatus.QUEUED

    platform_server.replies.append((500, {}))
    with pytest.raises(SystemExit) as exc:
        call_command("credit_export", "--json")
    assert exc.value.code == 1
    assert json.loads(capsys.readouterr().out)["failed"] == 1

    call_command("credit_export", "--under", "440804")  # nothing of theirs
    assert len(platform_server.received) == 1
    call_command("credit_export")
    assert record.submissions.get().status == SubmissionStatus.SENT


# Inbox and pages -----------------------------------------------------------------------


def test_inbox_lists_tasks_to_verify_and_submissions_waiting(people, item):
    committed(people, A1A, item)
    _false_record(people, item)

    township = {str(i.label): i.count for i in commitment_items(people.township)}
    civil = {str(i.label): i.count for i in commitment_items(people.civil)}

    assert township["待事后核查的告知承诺"] == 1
    assert civil["待报送信用信息共享平台的信用记录"] == 1
    assert commitment_items(people.clerk) == []


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_clerk_records_the_commitment_on_the_request_page_REQ_082(
    people, item, as_user
):
    import base64

    client = as_user(people.clerk)
    req = request(actor=people.clerk, committee=A1A, item=item)
    page = client.get(reverse("certificates:detail", args=[req.pk]))
    html = page.content.decode()
    assert "告知承诺（以书面承诺代替证明）" in html and "计入个人信用记录" in html
    form = client.get(
        reverse("certificates:document", args=[req.pk, "commitment-form"])
    )
    assert form.status_code == 200 and form["Content-Type"] == "application/pdf"

    drawn = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    response = client.post(
        reverse("certificates:action", args=[req.pk, "commitment"]),
        {
            "commitment-notification": "告知：承诺不实的，计入个人信用记录。",
            "commitment-commitment": "本人承诺所述属实。",
            "commitment-signature": drawn,
        },
        follow=True,
    )

    assert "已登记告知承诺" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.COMMITTED
    assert req.commitment.signature_method == SignatureMethod.SCREEN
    pdf = client.get(reverse("certificates:document", args=[req.pk, "commitment"]))
    assert pdf.status_code == 200


def test_the_commitment_form_asks_for_a_signature(people, item, as_user):
    client = as_user(people.clerk)
    req = request(actor=people.clerk, committee=A1A, item=item)
    response = client.post(
        reverse("certificates:action", args=[req.pk, "commitment"]),
        {"commitment-notification": "告知", "commitment-commitment": "承诺"},
    )
    assert response.status_code == 200
    assert "请居民在屏幕上签名，或上传签字后的告知承诺书" in response.content.decode()
    assert CertificateRequest.objects.get(pk=req.pk).status == Status.RECEIVED


def test_the_township_draws_and_closes_on_its_pages_REQ_083(people, item, as_user):
    commitment = committed(people, A1A, item)
    client = as_user(people.township)

    response = client.post(
        reverse("certificates:commitment_tasks"),
        {"sample-scope": TOWNSHIP, "sample-count": "1", "sample-seed": "seed-42"},
        follow=True,
    )

    html = response.content.decode()
    assert "seed-42" in html and "随机种子" in html
    task = VerificationTask.objects.get()
    assert task.sampled
    url = reverse("certificates:commitment_task", args=[task.pk])
    response = client.post(
        url,
        {
            "close-result": "false",
            "close-verified_on": clock.today().isoformat(),
            "close-verifier": "孙核查",
            "close-note": "未居住",
        },
        follow=True,
    )
    assert "已登记核查结果" in response.content.decode()
    assert CreditRecord.objects.filter(commitment=commitment).exists()
    # The civil-affairs officer sees the record, masked; the clerk may not.
    record = CreditRecord.objects.get()
    req = commitment.request
    civil = as_user(people.civil)
    page = civil.get(reverse("certificates:credit_record", args=[record.pk]))
    assert page.status_code == 200
    assert req.id_number not in page.content.decode()
    clerk = as_user(people.clerk)
    assert clerk.get(reverse("certificates:credit_records")).status_code == 403
    assert clerk.post(url, {"close-result": "true"}).status_code == 403


def test_civil_affairs_sets_the_platform_and_the_disclosure_on_pages_REQ_085_086(
    people, item, as_user
):
    record = _false_record(people, item)
    client = as_user(people.civil)
    response = client.post(
        reverse("certificates:credit_platforms"),
        {
            "division": COUNTY,
            "name": "全国信用信息共享平台",
            "endpoint": "https://credit.example.org/api/records",
            "enabled": "on",
        },
        follow=True,
    )
    assert "credit.example.org" in response.content.decode()
    response = client.post(
        reverse("certificates:credit_record", args=[record.pk]),
        {
            "disclosure-disclosure_site": "信用中国（天津）",
            "disclosure-disclosed_on": clock.today().isoformat(),
        },
        follow=True,
    )
    assert "已保存公示和处罚情况" in response.content.decode()
    record.refresh_from_db()
    assert record.disclosure_site == "信用中国（天津）"
    # A township officer reads but does not set them.
    township = as_user(people.township)
    page = township.get(reverse("certificates:credit_record", args=[record.pk]))
    assert page.status_code == 200
    assert (
        township.post(
            reverse("certificates:credit_record", args=[record.pk]), {}
        ).status_code
        == 403
    )


def test_the_signing_day_lies_between_intake_and_today_REQ_082(people, item):
    req = request(actor=people.clerk, committee=A1A, item=item)
    today = clock.today()
    for day in (today.replace(year=today.year + 1), today.replace(year=2000)):
        with pytest.raises(InvalidInput) as exc:
            services.commitment_record(
                actor=people.clerk,
                request_id=req.pk,
                signature=("s.png", signature_png()),
                signed_on=day,
            )
        assert exc.value.code == "signed_on_invalid"
    commitment = services.commitment_record(
        actor=people.clerk,
        request_id=req.pk,
        signature=("s.png", signature_png()),
        signed_on=today,
    )
    assert commitment.signed_on == today


def test_the_draw_page_explains_the_replay_in_words_and_keeps_the_code_in_a_detail(
    people, item, as_user
):
    """Issue 16: no "复核方法（Python）：sorted(random.Random(seed)…)" in the page's
    text; a person reads how to check a draw, the exact method waits in a detail."""
    committed(people, A1A, item)
    html = (
        as_user(people.township)
        .get(reverse("certificates:commitment_tasks"))
        .content.decode()
    )
    assert "复核方法（Python）" not in html
    assert "用记录的随机种子" in html
    outside = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    assert "random.Random" not in outside
    assert "random.Random" in html
